import { flatRoutes } from "remix-flat-routes";

// BUILD_DIR lets parallel checkouts or test runs build side by side (server/build-paths.ts reads it too).
const buildDir = process.env.BUILD_DIR;

/** Classic Remix compiler (see docs/decisions/001-classic-remix-compiler.md). */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/*"],
  serverModuleFormat: "esm",
  serverBuildPath: buildDir ? `${buildDir}/index.js` : "build/index.js",
  assetsBuildDirectory: buildDir ? `${buildDir}/assets` : "public/build",
  publicPath: "/build/",
  serverPlatform: "node",
  serverDependenciesToBundle: [],
  postcss: true,
  watchPaths: ["./db/**/*.ts"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: false,
  },
  routes: async (defineRoutes) =>
    flatRoutes("routes", defineRoutes, {
      ignoredRouteFiles: ["**/.*", "**/*.css", "**/*.server.*", "**/*.test.*", "**/__*.*"],
    }),
};
