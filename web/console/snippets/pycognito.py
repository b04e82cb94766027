from pycognito import Cognito
u = Cognito("{{POOL_ID}}", "{{CLIENT_ID}}", username="alice@example.com",
            boto3_client_kwargs={"endpoint_url": "{{ENDPOINT}}", "region_name": "{{REGION}}"})
u.authenticate(password="Correct-Horse-9")     # SRP; verifies the tokens against our JWKS
