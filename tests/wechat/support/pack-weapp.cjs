'use strict';
/**
 * miniprogram-ci (the packer of WeChat's CI and DevTools) on one project folder, offline: a
 * placeholder appid and private key, and the project attributes given directly (ci.Project's
 * `attr`), so that nothing but one request it can do without (the extension white list) goes
 * to WeChat. Runs in its own process, started in a scratch folder: miniprogram-ci leaves
 * hash-named folders in the current directory and keeps sockets open.
 *
 * Receives {projectPath, setting, outDir, quality} over IPC: `setting` as ci.upload takes it
 * (minifyWXML, minifyWXSS…), `outDir` where to write the packed files, `quality` whether to run
 * the code-quality check too. Answers {files: {path: bytes}, quality: [...]} or {error}.
 */
const fs = require('node:fs');
const path = require('node:path');
const ci = require('miniprogram-ci');

async function pack({ projectPath, setting = {}, outDir, quality = true }) {
  const project = new ci.Project({
    appid: 'wx0000000000000000',
    type: 'miniProgram',
    projectPath,
    privateKey: 'placeholder-private-key',
    ignores: [],
  });
  project.attr = async () => ({ ...ci.DefaultProjectAttr });
  const compiled = await ci.getCompiledResult({ project, setting, onProgressUpdate: () => {} });
  const files = {};
  for (const [name, content] of Object.entries(compiled)) {
    files[name] = Buffer.byteLength(content);
    if (outDir) {
      fs.mkdirSync(path.dirname(path.join(outDir, name)), { recursive: true });
      fs.writeFileSync(path.join(outDir, name), content);
    }
  }
  if (!quality) return { files };
  const items = (await ci.checkCodeQuality(project)).map(({ name, success, text, detail }) => ({ name, success, text, detail }));
  return { files, quality: items };
}

process.once('message', (request) => {
  pack(request).then(
    (result) => process.send(result, () => process.exit(0)),
    (error) => process.send({ error: error && error.message ? error.message : String(error) }, () => process.exit(0)),
  );
});
