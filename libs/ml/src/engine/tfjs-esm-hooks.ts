// Module hooks (node:module `register`) that let Node import the ES-module build that
// @tensorflow/tfjs-core ships next to its CommonJS bundle: its files are ESM in a package without
// "type": "module", and they import siblings without the `.js` extension. Only URLs under tfjs-core's
// dist directory are touched, and never its bundles (tf-core*.js, the CommonJS entry point) or miniprogram/.
// See gradients.ts for why.
import type { InitializeHook, LoadHook, ResolveHook } from 'node:module';

let distUrl = '';

export const initialize: InitializeHook<{ distUrl: string }> = (data) => {
  distUrl = data.distUrl;
};

function isEsmFile(url: string): boolean {
  if (distUrl === '' || !url.startsWith(distUrl) || !url.endsWith('.js')) return false;
  const rest = url.slice(distUrl.length);
  return !rest.startsWith('miniprogram/') && !/^tf-core[^/]*\.js$/.test(rest);
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const parent = context.parentURL ?? '';
  if (isEsmFile(parent) && /^\.\.?\//.test(specifier) && !/\.[cm]?js$/.test(specifier)) {
    try {
      return await nextResolve(`${specifier}.js`, context);
    } catch {
      return nextResolve(`${specifier}/index.js`, context);
    }
  }
  return nextResolve(specifier, context);
};

export const load: LoadHook = async (url, context, nextLoad) => {
  if (isEsmFile(url)) {
    const loaded = await nextLoad(url, { ...context, format: 'module' });
    return { ...loaded, format: 'module' };
  }
  return nextLoad(url, context);
};
