// What the host offers the WebGPU engine underneath Dawn: an NVIDIA driver, the Vulkan loader (libvulkan.so.1)
// and the Vulkan ICD files that point the loader at a driver. Dawn itself only says "no adapter" (its reasons
// go to stderr from native code), so these file-system facts are what lets a refusal name the missing piece.
// All checks are stat/read calls on a handful of paths: cheap enough for every process that asks for a GPU.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface IcdFile {
  readonly path: string;
  /** The driver library it names (library_path), or null when the file does not parse. */
  readonly library: string | null;
  readonly nvidia: boolean;
}

export interface HostFacts {
  /** Where the NVIDIA kernel driver showed itself (/dev/nvidiactl, /proc/driver/nvidia/version), or null. */
  readonly nvidiaDriver: string | null;
  /** Where libvulkan.so.1 was found (a directory, or 'ld.so.cache'), or null. */
  readonly vulkanLoader: string | null;
  /** How the loader finds drivers here: 'VK_DRIVER_FILES=…' / 'VK_ICD_FILENAMES=…', or the searched directories. */
  readonly icdSearch: string;
  /** The ICD files the loader will read. */
  readonly icds: readonly IcdFile[];
  /** NVIDIA ICD files outside the loader's search (e.g. a mounted driver's /usr/local/nvidia/...): set VK_DRIVER_FILES. */
  readonly unsearchedNvidiaIcds: readonly string[];
}

export interface HostProbeOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Prefix for every absolute path probed (tests point it at a temporary tree). */
  readonly root?: string;
}

const LIBRARY_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib', '/usr/local/lib'];
/** Where NVIDIA's container runtimes and some images mount the driver's files; the loader does not look here. */
const EXTRA_NVIDIA_ICD_DIRS = ['/usr/local/nvidia/share/vulkan/icd.d', '/usr/local/nvidia/icd.d', '/etc/vulkan/icd.d.nvidia'];

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function jsonFilesIn(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

function readIcd(path: string): IcdFile {
  let library: string | null = null;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { ICD?: { library_path?: unknown } };
    library = typeof parsed.ICD?.library_path === 'string' ? parsed.ICD.library_path : null;
  } catch {
    library = null;
  }
  const nvidia = /nvidia/i.test(path) || /nvidia/i.test(library ?? '');
  return { path, library, nvidia };
}

function findNvidiaDriver(at: (path: string) => string): string | null {
  return ['/dev/nvidiactl', '/proc/driver/nvidia/version'].find((path) => existsSync(at(path))) ?? null;
}

function findVulkanLoader(env: NodeJS.ProcessEnv, at: (path: string) => string): string | null {
  const fromEnv = (env['LD_LIBRARY_PATH'] ?? '').split(':').filter((dir) => dir !== '');
  for (const dir of fromEnv) if (existsSync(join(dir, 'libvulkan.so.1'))) return dir;
  try {
    // The cache holds the library names as plain strings; a name in it is what dlopen resolves.
    if (readFileSync(at('/etc/ld.so.cache')).includes('libvulkan.so.1')) return 'ld.so.cache';
  } catch {
    // No cache (some minimal images): the directories below are what the dynamic linker searches then.
  }
  return LIBRARY_DIRS.find((dir) => existsSync(at(join(dir, 'libvulkan.so.1')))) ?? null;
}

/** The Vulkan loader's ICD search (1.3 loader rules): an explicit list replaces the directories. */
function icdFiles(env: NodeJS.ProcessEnv, at: (path: string) => string): { search: string; files: string[] } {
  const listed = (value: string) => value.split(':').filter((part) => part !== '').flatMap((part) => (isDirectory(part) ? jsonFilesIn(part) : [part]));
  const explicitName = ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES'].find((name) => (env[name] ?? '') !== '');
  const added = listed(env['VK_ADD_DRIVER_FILES'] ?? '');
  if (explicitName !== undefined) {
    const value = env[explicitName] ?? '';
    return { search: `${explicitName}=${value}`, files: [...listed(value).filter((file) => existsSync(file)), ...added] };
  }
  const configDirs = (env['XDG_CONFIG_DIRS'] || '/etc/xdg').split(':');
  const dataHome = env['XDG_DATA_HOME'] || join(env['HOME'] ?? homedir(), '.local/share');
  const dataDirs = (env['XDG_DATA_DIRS'] || '/usr/local/share:/usr/share').split(':');
  const dirs = [...configDirs.map((dir) => join(dir, 'vulkan/icd.d')), '/etc/vulkan/icd.d', join(dataHome, 'vulkan/icd.d'), ...dataDirs.map((dir) => join(dir, 'vulkan/icd.d'))];
  return { search: dirs.join(', '), files: [...dirs.flatMap((dir) => jsonFilesIn(at(dir))), ...added] };
}

export function probeHost(options: HostProbeOptions = {}): HostFacts {
  const env = options.env ?? process.env;
  const root = options.root ?? '';
  const at = (path: string) => root + path;
  const { search, files } = icdFiles(env, at);
  const icds = files.map(readIcd);
  const unsearchedNvidiaIcds = icds.some((icd) => icd.nvidia) ? [] : EXTRA_NVIDIA_ICD_DIRS.flatMap((dir) => jsonFilesIn(at(dir))).filter((file) => /nvidia/i.test(file));
  return { nvidiaDriver: findNvidiaDriver(at), vulkanLoader: findVulkanLoader(env, at), icdSearch: search, icds, unsearchedNvidiaIcds };
}
