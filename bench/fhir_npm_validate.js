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
// CPU time of the process, as healthdoc's bench reports: it holds on a loaded machine.
const cpu = process.cpuUsage();
for (let i = 0; i < runs; i++) validateAll();
const used = process.cpuUsage(cpu);
const all = (used.user + used.system) / 1000 / runs;
console.log(`resources: ${files.length} (${invalid} invalid by its rules)`);
console.log(`start-up: ${startup.toFixed(1)} ms`);
console.log(`one thread: ${all.toFixed(1)} ms for all, ${(all / files.length).toFixed(3)} ms per resource (CPU time, mean of ${runs} runs)`);
console.log(`SUMMARY startup_ms=${startup.toFixed(1)} per_resource_ms=${(all / files.length).toFixed(4)} all_ms=${all.toFixed(1)} peak_mb=${(process.resourceUsage().maxRSS / 1024).toFixed(1)}`);
