// Runs mgeneratejs's own evaluator over a corpus of templates, the way its CLI does (the same
// Extended JSON stringifier), and prints one JSON line per template: {"i": n, "docs": [...]} or
// {"i": n, "error": "..."}. Usage: node run-corpus.js MGENERATEJS_DIR CORPUS.json DOCS_PER_TEMPLATE
var path = require('path');
var dir = path.resolve(process.argv[2]);
var mgenerate = require(path.join(dir, 'node_modules', 'mgeneratejs'));
var EJSON = require(path.join(dir, 'node_modules', 'mongodb-extended-json'));
var corpus = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
var n = parseInt(process.argv[4], 10);
var out = [];
corpus.forEach(function(template, i) {
  try {
    var docs = [];
    for (var k = 0; k < n; k++) {
      docs.push(JSON.parse(EJSON.stringify(mgenerate(template))));
    }
    out.push(JSON.stringify({ i: i, docs: docs }));
  } catch (e) {
    out.push(JSON.stringify({ i: i, error: String(e && e.message ? e.message : e).split('\n')[0] }));
  }
});
process.stdout.write(out.join('\n') + '\n');
