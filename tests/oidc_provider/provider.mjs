// A real OpenID Connect provider for the single sign-on tests, built on the certified npm package
// oidc-provider. Started by tests/integration/test_oidc.py; configured from the environment:
//   OIDC_PORT       port on 127.0.0.1 (the issuer is http://localhost:PORT)
//   OIDC_CLIENTS    JSON list of clients: [{client_id, client_secret, redirect_uris}]
//   OIDC_ACCOUNTS   JSON object: {"<sub>": {"email": "...", "name": "..."}}
// Its sign-in page asks for an account (its sub) and whether a second factor was used; the answer
// becomes the ID token's amr claim (["pwd"] or ["pwd", "mfa"]). Prints "ready <issuer>" when listening.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { URLSearchParams } from 'node:url';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://localhost:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS).map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  ...client,
}));
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [jwk] },
  cookies: { keys: ['boundaries-test-cookie-key'] },
  claims: { openid: ['sub', 'acr', 'amr'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => false },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email_verified: true, ...account };
      },
    };
  },
});
provider.proxy = false;

const page = (uid) => `<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>
<form method="post" action="/interaction/${uid}">
  <label for="account">Account</label> <input id="account" name="account">
  <label><input type="checkbox" name="mfa" value="yes"> I used my second factor</label>
  <button type="submit">Sign in</button>
</form></body></html>`;

const readBody = (req) => new Promise((resolve) => {
  let data = '';
  req.on('data', (chunk) => { data += chunk; });
  req.on('end', () => resolve(new URLSearchParams(data)));
});

const callback = provider.callback();
const server = createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.setHeader('Content-Type', 'text/html');
      return res.end(page(details.uid));
    }
    const form = await readBody(req);
    const accountId = form.get('account');
    if (!accounts[accountId]) {
      res.statusCode = 400;
      return res.end('unknown account');
    }
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    const amr = form.get('mfa') === 'yes' ? ['pwd', 'mfa'] : ['pwd'];
    return provider.interactionFinished(req, res, {
      login: { accountId, amr, acr: amr.includes('mfa') ? 'mfa' : 'pwd' },
      consent: { grantId },
    }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.statusCode = 500;
    return res.end(String(error));
  }
});
server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
