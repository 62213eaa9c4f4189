import type { Type } from '@nestjs/common';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ControlChannel } from './control-channel';
import type { ControlAnswer, ControlMessage } from './control-message';

/**
 * The controller of a peer's Kea control channel. Its subject names the peer
 * (`haco.<cluster>.<peer>.cmd`), known only once the configuration is read, while a decorator's pattern is
 * fixed when the class is declared: so the class is declared for the subject.
 */
export function controlChannelController(subject: string): Type<unknown> {
  @Controller()
  class ControlChannelController {
    constructor(@Inject(ControlChannel) private readonly channel: ControlChannel) {}

    @MessagePattern(subject)
    handle(@Payload() message: ControlMessage): Promise<ControlAnswer> {
      return this.channel.handle(message);
    }
  }
  return ControlChannelController;
}
