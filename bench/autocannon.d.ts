// The part of autocannon's programmatic API bench/mix-client.ts uses (the package ships no types).
declare module 'autocannon' {
  interface Options {
    url: string;
    connections: number;
    duration: number;
    idReplacement?: boolean;
    requests?: readonly { method: string; path: string; headers?: Record<string, string>; body?: string }[];
  }
  interface Result {
    requests: { average: number; total: number };
    latency: { p99: number };
    non2xx: number;
    errors: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
