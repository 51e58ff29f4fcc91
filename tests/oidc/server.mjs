// A test-only OAuth 2.0 / OpenID Connect authorization server (panva's oidc-provider) on
// loopback, for athena-core's interop tests (crates/athena-core/tests/it/auth_oidc_interop.rs).
//
// It listens on 127.0.0.1 on an ephemeral port and prints ONE line of JSON on stdout:
//   {"issuer": "http://127.0.0.1:PORT", "keys": {"RS384": <private JWK>, "ES384": <private JWK>}}
// The keys are generated at start-up, for the private_key_jwt clients. It exits when its stdin
// closes (the test process went away) or after 10 minutes, whichever comes first.
//
// Clients (all secrets test-only):
//   cc-basic      client_credentials, client_secret_basic, a secret with reserved characters
//   smart-rs384   client_credentials, private_key_jwt RS384 (SMART Backend Services)
//   smart-es384   client_credentials, private_key_jwt ES384
//   smart-app     authorization_code + PKCE + refresh_token (rotated), client_secret_basic
// Interactions (login, consent) are accepted automatically at /interaction/:uid.
// Token responses of the authorization-code client carry a SMART launch context.

import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

export const CC_SECRET = 'cc s3cr:t+/%&=~';
export const APP_SECRET = 'app:secret+1 %';

const jwk = (type, options, extra) => ({
  ...generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }),
  ...extra,
});
const publicOf = ({ d, p, q, dp, dq, qi, ...rest }) => rest;

const providerKey = jwk('rsa', { modulusLength: 2048 }, { kid: 'provider-rs256', alg: 'RS256', use: 'sig' });
const rs384 = jwk('rsa', { modulusLength: 2048 }, { kid: 'client-rs384', alg: 'RS384' });
const es384 = jwk('ec', { namedCurve: 'P-384' }, { kid: 'client-es384', alg: 'ES384' });

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const backend = (client_id, alg, key) => ({
  client_id,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: alg,
  jwks: { keys: [publicOf(key)] },
  scope: 'system/Patient.rs system/Observation.rs',
});

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'cc-basic',
      client_secret: CC_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'system/Patient.rs system/Observation.rs',
    },
    backend('smart-rs384', 'RS384', rs384),
    backend('smart-es384', 'ES384', es384),
    {
      client_id: 'smart-app',
      client_secret: APP_SECRET,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1:9/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [providerKey] },
  // SMART clients sign with RS384 or ES384 (SMART App Launch, client-confidential-asymmetric).
  enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS384', 'PS256', 'ES256', 'ES384', 'EdDSA'] },
  cookies: { keys: ['athena-rs-interop-test-cookie-key'] },
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
  },
  scopes: [
    'openid',
    'offline_access',
    'fhirUser',
    'launch/patient',
    'patient/Patient.rs',
    'system/Patient.rs',
    'system/Observation.rs',
  ],
  claims: { openid: ['sub'], fhirUser: ['fhirUser'] },
  // Claims requested by scope go into the id_token too (SMART's fhirUser).
  conformIdTokenClaims: false,
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, fhirUser: `${issuer}/fhir/Practitioner/${sub}` }),
  }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  ttl: {
    AccessToken: 300,
    AuthorizationCode: 60,
    ClientCredentials: 300,
    Grant: 3600,
    IdToken: 300,
    Interaction: 600,
    RefreshToken: 3600,
    Session: 3600,
  },
});

// The user "clinician-1" logs in and consents to whatever is asked, at once.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  let result;
  if (prompt.name === 'login') {
    result = { login: { accountId: 'clinician-1' } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  }
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
  ctx.status = 303;
  ctx.redirect(to);
});

// SMART launch context in the authorization-code client's token responses.
provider.use(async (ctx, next) => {
  await next();
  if (
    ctx.oidc?.route === 'token'
    && ctx.body
    && typeof ctx.body === 'object'
    && ctx.body.access_token
    && ctx.oidc.client?.clientId === 'smart-app'
  ) {
    ctx.body.patient = 'pat-123';
    ctx.body.encounter = 'enc-456';
    ctx.body.need_patient_banner = true;
  }
});

server.on('request', provider.callback());

process.stdout.write(`${JSON.stringify({ issuer, keys: { RS384: rs384, ES384: es384 } })}\n`);

const stop = () => server.close(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();
