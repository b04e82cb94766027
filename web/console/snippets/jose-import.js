import { createRemoteJWKSet, jwtVerify } from 'jose';
