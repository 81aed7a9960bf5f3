import t from 'tap'
import { loadConfig } from '../src/config.js'

t.test('tracing is off without an endpoint', async (t) => {
  const { tracing } = loadConfig({})
  t.match(tracing, { enabled: false, endpoint: '', protocol: 'http/protobuf', serviceName: 'newsroom-cms', sampler: 'parentbased_always_on', samplerRatio: 1 })
  t.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing.enabled, false, 'OTEL_SDK_DISABLED wins')
})

t.test('the endpoint turns it on; the standard variables are parsed', async (t) => {
  const { tracing } = loadConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-team = news',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
    OTEL_SERVICE_NAME: 'cms-eu',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=production,service.version=1.4.0',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.25',
    OTEL_BSP_SCHEDULE_DELAY: '1000',
  })
  t.same(tracing, {
    enabled: true,
    endpoint: 'http://collector:4318/v1/traces',
    protocol: 'http/json',
    headers: { authorization: 'Bearer abc', 'x-team': 'news' },
    timeoutMs: 2000,
    serviceName: 'cms-eu',
    resourceAttributes: { 'deployment.environment.name': 'production', 'service.version': '1.4.0' },
    sampler: 'parentbased_traceidratio',
    samplerRatio: 0.25,
    batchDelayMs: 1000,
    batchMaxQueueSize: 2048,
  })
  t.equal(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example/api/traces' }).tracing.endpoint, 'https://otlp.example/api/traces', 'the traces URL is used as is')
})

t.test('bad values are refused at start, naming the variable', async (t) => {
  const bad = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_TRACES_SAMPLER: 'sometimes',
    OTEL_TRACES_SAMPLER_ARG: '1.5',
    OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign',
    OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
  }
  for (const [name, value] of Object.entries(bad)) {
    t.throws(() => loadConfig({ [name]: value }), { name: 'ConfigError', message: new RegExp(`- ${name} must be`) }, name)
  }
})
