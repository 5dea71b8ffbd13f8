// A real OpenID Connect provider on loopback for Rollcall's tests: panva's oidc-provider (certified),
// with a one-field login page and a few test-only controls under /__test__/. Never deployed.
//
// node provider.mjs  -> listens on 127.0.0.1 at a free port and prints {"issuer": "http://127.0.0.1:PORT"}
//
// Test-only controls (JSON bodies):
//   PUT    /__test__/accounts/<id>  the claims of a person who can sign in as <id> ({"disabled": true} refuses them)
//   PUT    /__test__/tamper         rewrite the next id_token the token endpoint issues: {"claims": {...}}
//                                   merges claims (e.g. a wrong aud, an old exp), {"wrong_key": true} signs it
//                                   with a key the provider does not publish. Exercises the relying party's checks.
import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const accounts = new Map();
let tamper = null;

const signing = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(signing.privateKey)), kid: 'rollcall-test', alg: 'RS256', use: 'sig' };
const stranger = await jose.generateKeyPair('RS256', { extractable: true });

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['rollcall-test-provider-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'department', 'jobTitle'],
  },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true }, // tests register a client for each redirect URI they use
  },
  pkce: { required: () => true }, // Rollcall must always send a code challenge
  async findAccount(_ctx, id) {
    const account = accounts.get(id);
    if (!account || account.disabled) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  // A first-party client: no consent screen, the grant covers what Rollcall asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
});
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

// After the token endpoint answers, rewrite its id_token if a test asked for it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route !== 'token' || !tamper || !ctx.body?.id_token) return;
  const { claims = {}, wrong_key: wrongKey = false } = tamper;
  tamper = null;
  const payload = { ...jose.decodeJwt(ctx.body.id_token), ...claims };
  ctx.body = {
    ...ctx.body,
    id_token: await new jose.SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: 'rollcall-test' })
      .sign(wrongKey ? stranger.privateKey : signing.privateKey),
  };
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Test provider sign-in</title></head>
<body><main><h1>Test identity provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Username</label> <input id="login" name="login" autocomplete="username" required>
<button type="submit">Continue</button></form></main></body></html>`;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

async function interaction(req, res, uid, isLogin) {
  const details = await provider.interactionDetails(req, res);
  if (!isLogin) return send(res, 200, loginPage(details.uid));
  const login = new URLSearchParams(await readBody(req)).get('login') || '';
  const account = accounts.get(login);
  if (!account || account.disabled) {
    return send(res, 200, loginPage(details.uid, 'Unknown or disabled account.'));
  }
  return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
}

async function control(req, res, path) {
  const body = req.method === 'PUT' ? JSON.parse((await readBody(req)) || '{}') : {};
  const account = path.match(/^\/__test__\/accounts\/([^/]+)$/);
  if (account && req.method === 'PUT') {
    accounts.set(decodeURIComponent(account[1]), body);
  } else if (path === '/__test__/tamper' && req.method === 'PUT') {
    tamper = Object.keys(body).length ? body : null; // {} clears it
  } else {
    return send(res, 404, '{"error": "unknown control"}', 'application/json');
  }
  return send(res, 204, '');
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  const { pathname } = new URL(req.url, issuer);
  const step = pathname.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  try {
    if (pathname.startsWith('/__test__/')) return await control(req, res, pathname);
    if (step) return await interaction(req, res, step[1], Boolean(step[2]) && req.method === 'POST');
    return callback(req, res);
  } catch (err) {
    console.error(err);
    return send(res, 500, escape(err.message || err), 'text/plain; charset=utf-8');
  }
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
