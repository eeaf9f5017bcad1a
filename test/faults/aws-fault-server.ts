// A loopback AWS-compatible endpoint whose answers a test chooses per operation: a real answer,
// an HTML 500, throttling, AccessDenied, garbage, or no answer at all (a hang).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'html500' | 'throttle' | 'denied' | 'garbage' | 'hang' | 'notfound' | { status: number; body: string; type?: string };

/** An XML answer in the IAM/STS query protocol. */
export function queryXml(action: string, result: string): string {
  return `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`;
}

function queryError(code: string, message: string): string {
  return `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-e</RequestId></ErrorResponse>`;
}

/** An IAM (query protocol) error answer. */
export function iamError(status: number, code: string, message: string): Fault {
  return { status, body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-e</RequestId></ErrorResponse>` };
}

/** A Secrets Manager (JSON protocol) error answer. */
export function smError(type: string): Fault {
  return { status: 400, type: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: type, message: 'not here' }) };
}

/** A REST-JSON operation by its path: POST /listRegions is ListRegions. */
function restAction(url: string | undefined): string {
  const name = (url ?? '').split('?')[0]!.replace(/^\//, '');
  return /^[a-z][A-Za-z]+$/.test(name) ? name[0]!.toUpperCase() + name.slice(1) : '?';
}

/**
 * Who signed a request: the access key id and the region in its SigV4 credential scope. The
 * loopback endpoint answers by caller, as AWS does, so an assumed role's keys see their account.
 */
export function signer(req: IncomingMessage): { keyId: string | null; region: string | null } {
  const m = /Credential=([A-Z0-9]+)\/\d{8}\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ''));
  return { keyId: m?.[1] ?? null, region: m?.[2] ?? null };
}

export type Handler = (action: string, body: string, req: IncomingMessage) => string | Fault | undefined;
type Answer = string | Fault | undefined;

export interface FaultServer {
  url: string;
  /** Every operation asked for, in order (retries included). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * `handler` returns an XML string (200), a Fault, or undefined (InvalidAction 400).
 * Operations are named by the query `Action` or the JSON protocol's X-Amz-Target suffix.
 */
export async function startFaultServer(handler: Handler): Promise<FaultServer> {
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const target = String(req.headers['x-amz-target'] ?? '');
    // Query protocol: the Action parameter; JSON protocol: the target; REST (account:ListRegions): the path.
    const action = target ? target.split('.').pop()! : (new URLSearchParams(body).get('Action') ?? restAction(req.url));
    requests.push(action);
    const json = Boolean(target);
    const answer: Answer = handler(action, body, req) as Answer;
    if (answer === undefined) {
      res.writeHead(400, { 'content-type': 'text/xml' }).end(queryError('InvalidAction', action));
      return;
    }
    const FAULTS = ['html500', 'throttle', 'denied', 'garbage', 'hang', 'notfound'];
    if (typeof answer === 'string' && !FAULTS.includes(answer)) {
      res.writeHead(200, { 'content-type': json ? 'application/x-amz-json-1.1' : 'text/xml' }).end(answer);
      return;
    }
    if (answer === 'hang') {
      hanging.add(res);
      return;
    }
    if (answer === 'html500') {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body><h1>500 Internal Server Error</h1></body></html>');
      return;
    }
    if (answer === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/xml' }).end('\u0000\u0001garbage{{<<not xml');
      return;
    }
    const [code, message, status] =
      answer === 'throttle' ? ['Throttling', 'Rate exceeded', 400] : answer === 'denied' ? ['AccessDenied', `not authorized to perform ${action}`, 403] : answer === 'notfound' ? ['NoSuchEntity', 'The user with name x cannot be found.', 404] : [null, null, 0];
    if (code) {
      if (json) res.writeHead(Number(status), { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: code === 'AccessDenied' ? 'AccessDeniedException' : code === 'NoSuchEntity' ? 'ResourceNotFoundException' : 'ThrottlingException', message }));
      else res.writeHead(Number(status), { 'content-type': 'text/xml' }).end(queryError(String(code), String(message)));
      return;
    }
    const custom = answer as { status: number; body: string; type?: string };
    res.writeHead(custom.status, { 'content-type': custom.type ?? 'text/xml' }).end(custom.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Environment for a CLI run against the server: fake static credentials, no profile files. */
export function awsEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIAFAULTTESTKEY0001',
    AWS_SECRET_ACCESS_KEY: 'fault-test-secret-not-real-000000000000',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: url,
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}
