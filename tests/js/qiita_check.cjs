// Check one Qiita article with qiita-cli's own code, as `qiita publish` does before it posts:
// load it with qiita-cli's FileSystemRepo (its gray-matter front matter reading), then
// checkFrontmatterType, then (only when the types are right) validateItem.
// Usage: node qiita_check.cjs DATA_ROOT BASENAME  (the article is DATA_ROOT/public/BASENAME.md)
// Prints a JSON list of the messages qiita-cli would show (empty when it would publish).
"use strict";
const path = require("node:path");
const lib = path.join(__dirname, "node_modules", "@qiita", "qiita-cli", "dist", "lib");
const { FileSystemRepo } = require(path.join(lib, "file-system-repo.js"));
const { checkFrontmatterType } = require(path.join(lib, "check-frontmatter-type.js"));
const { validateItem } = require(path.join(lib, "validators", "item-validator.js"));

async function main() {
  const [dataRootDir, basename] = process.argv.slice(2);
  const repo = new FileSystemRepo({ dataRootDir });
  const item = await repo.loadItemByBasename(basename);
  if (item === null) {
    process.stdout.write(JSON.stringify([`qiita-cli could not load ${basename}.md`]));
    return;
  }
  const typeErrors = checkFrontmatterType(item);
  const errors = typeErrors.length > 0 ? typeErrors : validateItem(item);
  process.stdout.write(JSON.stringify(errors));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err));
  process.exit(2);
});
