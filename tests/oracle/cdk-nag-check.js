#!/usr/bin/env node
// External oracle: run cdk-nag rule packs over plain CloudFormation templates
// (imported with CfnInclude), honour the suppressions our templates carry in
// Metadata.cdk_nag.rules_to_suppress (v2 semantics: an id without applies_to
// covers every finding of that rule on the resource, granular ones included),
// and print the unsuppressed errors as JSON lines on stdout.
//
// usage: node cdk-nag-check.js PACKS TEMPLATE...
//   PACKS: comma list of AwsSolutions, NIST80053R5, PCIDSS321, HIPAASecurity
// Exit: 0 when no unsuppressed error, 1 when some, 2 when the harness failed
// (no report written: never taken as a pass). See ../../shared/notes/cdk-nag.md.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const inc = require('aws-cdk-lib/cloudformation-include');
const nag = require('cdk-nag');

const [packsArg, ...files] = process.argv.slice(2);
if (!packsArg || files.length === 0) {
  console.error('usage: cdk-nag-check.js PACKS TEMPLATE...');
  process.exit(2);
}
const packClasses = {
  AwsSolutions: nag.AwsSolutionsChecks,
  NIST80053R5: nag.NIST80053R5Checks,
  PCIDSS321: nag.PCIDSS321Checks,
  HIPAASecurity: nag.HIPAASecurityChecks,
};
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
const app = new cdk.App({ outdir });
const suppressions = {}; // "Stack/Include/LogicalId" -> [{id, reason}]
files.forEach((file, i) => {
  const tmpl = JSON.parse(fs.readFileSync(file, 'utf8'));
  // CfnInclude's stack adds its own BootstrapVersion parameter
  if (tmpl.Parameters) delete tmpl.Parameters.BootstrapVersion;
  if (tmpl.Rules) delete tmpl.Rules.CheckBootstrapVersion;
  const fixed = path.join(outdir, `in${i}.json`);
  fs.writeFileSync(fixed, JSON.stringify(tmpl));
  const name = path.basename(file).replace(/\.template\.(json|yaml)$/, '').replace(/[^A-Za-z0-9-]/g, '');
  const stack = new cdk.Stack(app, name);
  new inc.CfnInclude(stack, 'T', { templateFile: fixed });
  for (const [id, res] of Object.entries(tmpl.Resources || {})) {
    const s = (((res.Metadata || {}).cdk_nag || {}).rules_to_suppress) || [];
    suppressions[`${name}/T/${id}`] = s;
  }
});
for (const p of packsArg.split(',')) {
  if (!packClasses[p]) { console.error(`unknown pack ${p}`); process.exit(2); }
  cdk.Validations.of(app).addPlugins(new packClasses[p](app));
}
let synthError = null;
try { app.synth(); } catch (e) { synthError = e; }
const reportFile = path.join(outdir, 'validation-report.json');
if (!fs.existsSync(reportFile)) {
  if (!synthError) { process.exit(0); } // no violation: no report is written
  console.error('cdk-nag wrote no report: ' + synthError.message);
  process.exit(2);
}
if (process.env.NAG_DUMP) fs.copyFileSync(reportFile, process.env.NAG_DUMP);
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
let errors = 0;
for (const pr of report.pluginReports || []) {
  for (const v of pr.violations || []) {
    for (const vr of v.violatingConstructs || v.violatingResources || []) {
      const rule = v.ruleName;
      const key = (vr.constructPath || vr.resourceLogicalId || '').replace(/^\//, '').replace(/\/Resource$/, '');
      const base = rule.replace(/\[.*\]$/, '');
      const sup = (suppressions[key] || []).find((s) => s.id === rule || (s.id === base && !s.applies_to));
      // an acceptance with an "expires" day past today no longer mutes (as solemate check)
      const lapsed = sup && sup.expires && sup.expires < new Date().toISOString().slice(0, 10);
      if (sup && sup.reason && sup.reason.length >= 10 && !lapsed) continue;
      if (v.severity && !/error/i.test(v.severity)) continue;
      errors++;
      console.log(JSON.stringify({ rule, resource: key, pack: pr.pluginName }));
    }
  }
}
process.exit(errors ? 1 : 0);
