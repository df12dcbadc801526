// The peer of bench/fhir_validate: the `fhir` npm package's validator over the same files,
// read and parsed from disk inside the timed part as healthdoc does.
//   node fhir_npm_validate.js EXAMPLES_DIR [runs]
const { Fhir } = require('fhir');
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const runs = Number(process.argv[3] || 3);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'package.json').sort();
let t = process.hrtime.bigint();
const fhir = new Fhir();
const startup = Number(process.hrtime.bigint() - t) / 1e6;
const validateAll = () => {
    let invalid = 0;
    for (const f of files) if (!fhir.validate(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))).valid) invalid++;
    return invalid;
};
const invalid = validateAll(); // warm-up, as healthdoc's bench warms up
t = process.hrtime.bigint();
for (let i = 0; i < runs; i++) validateAll();
const all = Number(process.hrtime.bigint() - t) / 1e6 / runs;
console.log(`resources: ${files.length} (${invalid} invalid by its rules)`);
console.log(`start-up: ${startup.toFixed(1)} ms`);
console.log(`one thread: ${all.toFixed(1)} ms for all, ${(all / files.length).toFixed(3)} ms per resource`);
console.log(`SUMMARY startup_ms=${startup.toFixed(1)} per_resource_ms=${(all / files.length).toFixed(4)} all_ms=${all.toFixed(1)} peak_mb=${(process.resourceUsage().maxRSS / 1024).toFixed(1)}`);
