// The realistic mix's load, in its own process: autocannon with a list of requests that every
// connection cycles through (one list, shuffled once, in the mix's proportions). Prints
// {requestsPerSecond, p99Ms, non2xx, answered} as JSON.
import autocannon from 'autocannon';

interface MixRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const { url, connections, seconds, requests } = JSON.parse(process.argv[2] ?? '{}') as { url: string; connections: number; seconds: number; requests: MixRequest[] };
const result = await autocannon({ url, connections, duration: seconds, requests, idReplacement: true });
process.stdout.write(
  `${JSON.stringify({ requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors, answered: result.requests.total })}\n`,
);
