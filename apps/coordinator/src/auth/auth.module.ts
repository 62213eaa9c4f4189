import { Global, Module } from '@nestjs/common';
import { Authenticator } from './authenticator';

/** Who is calling: named tokens, the one admin token and JWTs, for the access guard and the commands. */
@Global()
@Module({ providers: [Authenticator], exports: [Authenticator] })
export class AuthModule {}
