import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeMissing, diagnoseGpu } from './diagnosis.js';
import type { HostFacts } from './host-probes.js';
import { probeHost } from './host-probes.js';

const readyHost: HostFacts = {
  nvidiaDriver: '/dev/nvidiactl',
  vulkanLoader: 'ld.so.cache',
  icdSearch: '/usr/share/vulkan/icd.d',
  icds: [{ path: '/usr/share/vulkan/icd.d/nvidia_icd.json', library: 'libGLX_nvidia.so.0', nvidia: true }],
  unsearchedNvidiaIcds: [],
};

const whats = (host: HostFacts, adapter: Parameters<typeof diagnoseGpu>[1]) => diagnoseGpu(host, adapter).missing.map((piece) => piece.what);

describe('diagnoseGpu', () => {
  it('finds nothing missing when Dawn gives a hardware adapter', () => {
    assert.deepEqual(diagnoseGpu({ ...readyHost, vulkanLoader: null }, { kind: 'hardware', description: 'nvidia / hopper' }), { usable: true, missing: [] });
  });

  it('names the absent package first, with how to install it', () => {
    const diagnosis = diagnoseGpu(readyHost, { kind: 'package-missing', reason: 'the npm package webgpu is not installed' });
    assert.equal(diagnosis.usable, false);
    assert.deepEqual(diagnosis.missing.map((piece) => piece.what), ['the npm package webgpu is not installed']);
    assert.match(diagnosis.missing[0]?.fix ?? '', /npm install/);
  });

  it('on a CPU machine: no driver, no Vulkan loader, no ICD, each with its fix', () => {
    const bare: HostFacts = { nvidiaDriver: null, vulkanLoader: null, icdSearch: '/etc/vulkan/icd.d, /usr/share/vulkan/icd.d', icds: [], unsearchedNvidiaIcds: [] };
    const lines = describeMissing(diagnoseGpu(bare, { kind: 'none' }));
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /no NVIDIA driver.*install the NVIDIA driver/);
    assert.match(lines[1] ?? '', /libvulkan\.so\.1.*apt-get install libvulkan1/);
    assert.match(lines[2] ?? '', /no Vulkan ICD for the NVIDIA driver .*\/usr\/share\/vulkan\/icd\.d\): no ICD files at all.*VK_DRIVER_FILES/);
  });

  it('points VK_DRIVER_FILES at a mounted driver ICD that the loader does not search', () => {
    const host: HostFacts = { ...readyHost, icds: [], unsearchedNvidiaIcds: ['/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json'] };
    const diagnosis = diagnoseGpu(host, { kind: 'none' });
    assert.deepEqual(diagnosis.missing.map((piece) => piece.fix), ['the driver\'s ICD is at /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json, outside the loader\'s search: export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json']);
  });

  it('blames Dawn when the host has every piece, or only a software adapter was found', () => {
    assert.deepEqual(whats(readyHost, { kind: 'none' }), ['Dawn (the webgpu package) found no adapter']);
    const lavapipeOnly: HostFacts = { ...readyHost, nvidiaDriver: null, icds: [{ path: '/usr/share/vulkan/icd.d/lvp_icd.json', library: 'libvulkan_lvp.so', nvidia: false }] };
    const found = whats(lavapipeOnly, { kind: 'software', description: 'mesa / software / llvmpipe' });
    assert.equal(found.length, 3);
    assert.match(found[1] ?? '', /only \/usr\/share\/vulkan\/icd\.d\/lvp_icd\.json/);
    assert.equal(found[2], 'Dawn (the webgpu package) found only a software adapter (mesa / software / llvmpipe)');
  });
});

describe('probeHost', () => {
  const root = mkdtempSync(join(tmpdir(), 'veriflow-host-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const env = { HOME: '/home/nobody' };

  it('reads an empty tree as nothing there', () => {
    assert.deepEqual(probeHost({ root, env }), { nvidiaDriver: null, vulkanLoader: null, icdSearch: '/etc/xdg/vulkan/icd.d, /etc/vulkan/icd.d, /home/nobody/.local/share/vulkan/icd.d, /usr/local/share/vulkan/icd.d, /usr/share/vulkan/icd.d', icds: [], unsearchedNvidiaIcds: [] });
  });

  it('finds the driver, the loader in ld.so.cache and the ICDs, and tells NVIDIA ones', () => {
    put('/proc/driver/nvidia/version', 'NVRM version: 580.159.03\n');
    put('/etc/ld.so.cache', 'ld.so-1.7.0\0libvulkan.so.1\0/usr/lib/x86_64-linux-gnu/libvulkan.so.1\0');
    put('/usr/share/vulkan/icd.d/lvp_icd.x86_64.json', JSON.stringify({ ICD: { library_path: '/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so' } }));
    put('/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json', JSON.stringify({ ICD: { library_path: 'libGLX_nvidia.so.0' } }));
    const host = probeHost({ root, env });
    assert.equal(host.nvidiaDriver, '/proc/driver/nvidia/version');
    assert.equal(host.vulkanLoader, 'ld.so.cache');
    assert.deepEqual(host.icds, [{ path: join(root, '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'), library: '/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so', nvidia: false }]);
    assert.deepEqual(host.unsearchedNvidiaIcds, [join(root, '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json')]);
  });

  it('takes VK_DRIVER_FILES instead of the directories', () => {
    const icd = join(root, '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json');
    const host = probeHost({ root, env: { ...env, VK_DRIVER_FILES: icd } });
    assert.equal(host.icdSearch, `VK_DRIVER_FILES=${icd}`);
    assert.deepEqual(host.icds, [{ path: icd, library: 'libGLX_nvidia.so.0', nvidia: true }]);
    assert.deepEqual(host.unsearchedNvidiaIcds, []);
  });
});
