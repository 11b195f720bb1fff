/** Test helpers for code that talks to MLflow: a real local server, and a fault-injecting proxy. */
export { endpoint, startFlakyProxy, type Fault, type FaultRule, type FlakyProxy, type FlakyProxyOptions, type ProxiedRequest, type ProxyLogEntry } from './flaky-proxy.js';
export { mlflowSkipReason, startTestServer, type TestServer } from './mlflow-server.js';
export { freePortUrl } from './ports.js';
