import { BaseClient, BaseResponse } from 'geotiff';
import { fetchOrFail } from './fetch-or-fail.js';
import { checkSameVersion, type RemoteValidators } from './remote-version.js';

/** A response made from bytes already at hand (the probe), for ranges inside them. */
class BytesResponse extends BaseResponse {
  constructor(private readonly bytes: Uint8Array, private readonly start: number, private readonly total: number | undefined) {
    super();
  }
  override get status(): number {
    return 206;
  }
  override getHeader(name: string): string | undefined {
    const end = this.start + this.bytes.length - 1;
    if (name.toLowerCase() === 'content-range') return `bytes ${this.start}-${end}/${this.total ?? '*'}`;
    if (name.toLowerCase() === 'content-type') return 'application/octet-stream';
    return undefined;
  }
  override async getData(): Promise<ArrayBuffer> {
    return this.bytes.slice().buffer as ArrayBuffer;
  }
}

class FetchedResponse extends BaseResponse {
  constructor(private readonly response: Response) {
    super();
  }
  override get status(): number {
    return this.response.status;
  }
  override getHeader(name: string): string | undefined {
    return this.response.headers.get(name) ?? undefined;
  }
  override async getData(): Promise<ArrayBuffer> {
    return this.response.arrayBuffer();
  }
}

/**
 * geotiff.js's HTTP client for one version of a remote file: answers ranges inside the probe's
 * first bytes without a request, checks every other answer against the validators the file was
 * fingerprinted with (a FileError when the file changed), and counts what it downloaded.
 */
export class VersionCheckedClient extends BaseClient {
  /** Bytes received from the server through this client (the probe not included). */
  bytesRead = 0;
  requests = 0;

  constructor(
    url: string,
    private readonly validators: RemoteValidators,
    private readonly head: Uint8Array,
  ) {
    super(url);
  }

  override async request(options: RequestInit = {}): Promise<BaseResponse> {
    const range = rangeOf(options.headers);
    if (range && range[1] < this.head.length) {
      return new BytesResponse(this.head.subarray(range[0], range[1] + 1), range[0], this.validators.size);
    }
    const response = await fetchOrFail(this.url, { ...(options.headers ? { headers: options.headers } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    checkSameVersion(this.url, this.validators, response);
    this.requests += 1;
    const length = Number(response.headers.get('content-length'));
    if (Number.isFinite(length)) this.bytesRead += length;
    return new FetchedResponse(response);
  }
}

/** The single `bytes=a-b` range of request headers, if that is what they ask for. */
function rangeOf(headers: HeadersInit | undefined): [number, number] | undefined {
  const value = headers ? new Headers(headers).get('range') : null;
  const match = value ? /^bytes=(\d+)-(\d+)$/.exec(value.trim()) : null;
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}
