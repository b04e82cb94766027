import jwt
