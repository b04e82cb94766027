import boto3
idp = boto3.client("cognito-idp", endpoint_url="{{ENDPOINT}}", region_name="{{REGION}}",
                   aws_access_key_id="unused", aws_secret_access_key="unused")
idp.sign_up(ClientId="{{CLIENT_ID}}", Username="alice@example.com", Password="Correct-Horse-9",
            UserAttributes=[{"Name": "email", "Value": "alice@example.com"}])
