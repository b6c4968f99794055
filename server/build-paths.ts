import path from "node:path";

/** Where `remix build` wrote its output: build/ + public/build by default, or BUILD_DIR (see remix.config.js). */
export function buildPaths(root: string) {
  const custom = process.env.BUILD_DIR;
  return custom
    ? { serverBuild: path.resolve(root, custom, "index.js"), assetsDir: path.resolve(root, custom, "assets") }
    : { serverBuild: path.join(root, "build", "index.js"), assetsDir: path.join(root, "public", "build") };
}
