'use strict';
// What of deploy/ cannot run here (no Docker engine) is checked statically: the Dockerfile's
// COPY sources exist and its base images are pinned, the compose file parses and every file
// it mounts exists, the Grafana dashboard is valid JSON whose panels all query something.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const deploy = path.resolve(__dirname, '..', '..');
const root = path.resolve(deploy, '..');

/** Dockerfile instructions, continuation lines joined. */
function instructions(file) {
  return fs.readFileSync(file, 'utf8').replace(/\\\n/g, ' ').split('\n')
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

test('Dockerfile: multi-stage, pinned bases, non-root, health check, COPY sources exist', () => {
  const lines = instructions(path.join(deploy, 'Dockerfile'));
  const froms = lines.filter((l) => /^FROM /i.test(l));
  assert.equal(froms.length, 2, 'a build stage and a runtime stage');
  for (const from of froms) {
    const image = from.split(/\s+/)[1];
    assert.match(image, /:[0-9][^:]*$/, `${image} is pinned to a version tag`);
  }
  assert.match(froms[1], /-jre/, 'the runtime stage is a JRE');
  const user = lines.filter((l) => /^USER /i.test(l)).pop();
  assert.ok(user && !/^USER\s+(root|0)(:|$)/i.test(user), 'runs as a non-root user');
  assert.ok(lines.some((l) => /^HEALTHCHECK .*\/observe\/health\/live/.test(l)), 'health check on liveness');
  for (const copy of lines.filter((l) => /^COPY /i.test(l) && !/--from=/.test(l))) {
    const parts = copy.split(/\s+/).slice(1).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) {
      assert.ok(fs.existsSync(path.join(root, src)), `COPY source ${src} exists in the build context`);
    }
  }
  const ignore = fs.readFileSync(path.join(deploy, 'Dockerfile.dockerignore'), 'utf8');
  assert.match(ignore, /!deploy\/routes/, 'the routes the image copies are not ignored');
  assert.match(ignore, /!src\/main\/\*\*/, 'the launcher (src/main/dist) reaches the build stage');
  const entrypoint = lines.filter((l) => /^ENTRYPOINT /i.test(l)).pop();
  assert.equal(entrypoint, 'ENTRYPOINT ["/app/s3-replicator"]', 'the launcher starts the jar');
  assert.ok(lines.some((l) => /^RUN .*ArchiveClassesAtExit=\/app\/s3-replicator\.jsa/.test(l)),
    'the class-data archive is made by the runtime stage\'s own JVM');
  assert.ok(!lines.some((l) => /JAVA_TOOL_OPTIONS/.test(l)), 'no JAVA_TOOL_OPTIONS: the JVM would echo it on stderr');
});

test('compose file parses, pins its images and mounts files that exist', () => {
  const compose = YAML.parse(fs.readFileSync(path.join(deploy, 'compose.yaml'), 'utf8'));
  assert.deepEqual(Object.keys(compose.services).sort(), ['grafana', 'localstack', 'prometheus', 'replicator']);
  for (const [name, svc] of Object.entries(compose.services)) {
    if (svc.image) {
      assert.match(svc.image, /:v?[0-9]/, `${name} image is pinned`);
    }
    for (const volume of svc.volumes || []) {
      const src = volume.split(':')[0];
      assert.ok(fs.existsSync(path.join(deploy, src)), `${name} mounts ${src}, which exists`);
    }
  }
  const build = compose.services.replicator.build;
  assert.ok(fs.existsSync(path.join(deploy, build.context, build.dockerfile)), 'replicator builds deploy/Dockerfile');
  assert.ok(compose.services.replicator.environment.SOURCE.startsWith('s3://'));
  const prometheus = YAML.parse(fs.readFileSync(path.join(deploy, 'local', 'prometheus.yml'), 'utf8'));
  assert.equal(prometheus.scrape_configs[0].metrics_path, '/observe/metrics');
  for (const f of ['local/grafana/datasources/prometheus.yaml', 'local/grafana/dashboards/dashboards.yaml']) {
    assert.ok(YAML.parse(fs.readFileSync(path.join(deploy, f), 'utf8')).apiVersion === 1, `${f} is Grafana provisioning`);
  }
});

test('Grafana dashboard is valid JSON and every panel queries a replicator, Camel or JVM series', () => {
  const dash = JSON.parse(fs.readFileSync(path.join(deploy, 'grafana', 's3-replicator.json'), 'utf8'));
  assert.equal(dash.uid, 's3-replicator');
  assert.ok(dash.panels.length >= 10);
  const ids = new Set();
  for (const panel of dash.panels) {
    assert.ok(!ids.has(panel.id), `panel id ${panel.id} is unique`);
    ids.add(panel.id);
    assert.ok(panel.targets.length > 0, `${panel.title} has queries`);
    for (const t of panel.targets) {
      assert.match(t.expr, /\b(s3replicator|camel|jvm|process|system)_[a-z_]+/, `${panel.title}: ${t.expr}`);
      assert.equal((t.expr.match(/\(/g) || []).length, (t.expr.match(/\)/g) || []).length, `balanced: ${t.expr}`);
    }
  }
  const names = dash.panels.flatMap((p) => p.targets.map((t) => t.expr)).join(' ');
  for (const series of ['s3replicator_objects_total', 's3replicator_bytes_total',
    's3replicator_transfer_duration_seconds_bucket', 's3replicator_diff_keys_listed_total', 's3replicator_jobs_in_flight']) {
    assert.ok(names.includes(series), `the dashboard shows ${series}`);
  }
});

test('the container routes file takes its pair from the environment', () => {
  const routes = YAML.parse(fs.readFileSync(path.join(deploy, 'routes', 'pair-from-env.camel.yaml'), 'utf8'));
  const params = Object.fromEntries(routes[0].templatedRoute.parameters.map((p) => [p.name, p.value]));
  assert.equal(routes[0].templatedRoute.routeTemplateRef, 'replication-pair');
  assert.equal(params.source, '{{SOURCE}}');
  assert.equal(params.destination, '{{DESTINATION}}');
  assert.equal(params.events, '{{EVENTS:}}');
  assert.equal(params.eventsDlq, '{{EVENTS_DLQ:}}');
  assert.equal(params.deletes, '{{DELETES:false}}');
});
