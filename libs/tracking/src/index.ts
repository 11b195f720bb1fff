export * from './model.js';
export * from './store/index.js';
export * from './compare/index.js';
export * from './params.js';
export * from './mlflow/index.js';
export * from './sync/index.js';
