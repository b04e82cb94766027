function joseVerifiers(issuer, clientId) {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return {
    async verifyIdToken(token) {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: clientId, algorithms: ['RS256'] });
      if (payload.token_use !== 'id') throw new Error('not an ID token');
      return payload;
    },
    async verifyAccessToken(token) {
      const { payload } = await jwtVerify(token, jwks, { issuer, algorithms: ['RS256'] });
      if (payload.token_use !== 'access' || payload.client_id !== clientId) {
        throw new Error('not an access token of this app');
      }
      return payload;
    },
  };
}
