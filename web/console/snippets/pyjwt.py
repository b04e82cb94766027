def pyjwt_verifiers(issuer, client_id):
    jwks = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json")

    def verify_id_token(token):
        key = jwks.get_signing_key_from_jwt(token).key
        claims = jwt.decode(token, key, algorithms=["RS256"], audience=client_id, issuer=issuer)
        if claims.get("token_use") != "id":
            raise jwt.InvalidTokenError("not an ID token")
        return claims

    def verify_access_token(token):
        key = jwks.get_signing_key_from_jwt(token).key
        claims = jwt.decode(token, key, algorithms=["RS256"], issuer=issuer,
                            options={"verify_aud": False})  # access tokens have no aud
        if claims.get("token_use") != "access" or claims.get("client_id") != client_id:
            raise jwt.InvalidTokenError("not an access token of this app")
        return claims

    return verify_id_token, verify_access_token
