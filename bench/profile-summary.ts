// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: by package and by function, self time.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  location: string;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled time, excluding idle, in milliseconds. */
  busyMs: number;
  byPackage: ProfileEntry[];
  topFunctions: ProfileEntry[];
  /** Shuttle's own functions (dist/) by total time: their self time plus everything they call. */
  shuttleInclusive: ProfileEntry[];
}

/** "fastify", "@fastify/swagger", "shuttle (dist)", "node:internal", or a V8 pseudo-frame such as "(garbage collector)". */
function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  if (url.startsWith('node:')) return 'node (internals)';
  if (url.includes('/dist/')) return 'shuttle (dist)';
  return url;
}

function shortLocation(url: string, line: number): string {
  if (url === '') return '';
  const modules = url.lastIndexOf('/node_modules/');
  const path = modules !== -1 ? url.slice(modules + '/node_modules/'.length) : url.replace(/^.*\/dist\//, 'dist/');
  return `${path}:${line + 1}`;
}

interface Tally {
  name: string;
  location: string;
  us: number;
}

function add(totals: Map<string, Tally>, key: string, name: string, location: string, us: number): void {
  const tally = totals.get(key) ?? { name, location, us: 0 };
  tally.us += us;
  totals.set(key, tally);
}

function ranked(totals: Map<string, Tally>, busyUs: number): ProfileEntry[] {
  return [...totals.values()]
    .map(({ name, location, us }) => ({ name, location, percent: busyUs === 0 ? 0 : (us / busyUs) * 100 }))
    .sort((a, b) => b.percent - a.percent);
}

const isShuttle = (url: string): boolean => url.includes('/dist/') && !url.includes('/node_modules/');

export function summariseProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byFunction = new Map<string, Tally>();
  const byPackage = new Map<string, Tally>();
  const inclusive = new Map<string, Tally>();
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const us = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busyUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const location = shortLocation(url, lineNumber);
    add(byFunction, `${name} ${location}`, name, location, us);
    const pkg = packageOf(url, name);
    add(byPackage, pkg, pkg, '', us);
    // Each Shuttle function on the stack gets the sample once, however deep its recursion.
    const seen = new Set<string>();
    for (let frame: ProfileNode | undefined = node; frame; frame = nodes.get(parents.get(frame.id) ?? -1)) {
      if (!isShuttle(frame.callFrame.url)) continue;
      const frameName = frame.callFrame.functionName || '(anonymous)';
      const frameLocation = shortLocation(frame.callFrame.url, frame.callFrame.lineNumber);
      const frameKey = `${frameName} ${frameLocation}`;
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      add(inclusive, frameKey, frameName, frameLocation, us);
    }
  });
  return {
    file,
    busyMs: busyUs / 1000,
    byPackage: ranked(byPackage, busyUs),
    topFunctions: ranked(byFunction, busyUs).slice(0, 40),
    shuttleInclusive: ranked(inclusive, busyUs).slice(0, 40),
  };
}
