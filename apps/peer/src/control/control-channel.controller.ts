import type { Type } from '@nestjs/common';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ControlChannel } from './control-channel';
import type { ControlAnswer, ControlMessage } from './control-message';

/**
 * The controller of a peer's Kea control channel on NATS: operators' commands on
 * `haco.<cluster>.<peer>.cmd` (only coordinators may publish there) and the partners' calls on
 * `haco.<cluster>.<peer>.partner` (Kea's restricted set only). The subjects name the peer, known only once
 * the configuration is read, while a decorator's pattern is fixed when the class is declared: so the class
 * is declared for the subjects.
 */
export function controlChannelController(subjects: {
  readonly command: string;
  readonly partner: string;
}): Type<unknown> {
  @Controller()
  class ControlChannelController {
    constructor(@Inject(ControlChannel) private readonly channel: ControlChannel) {}

    @MessagePattern(subjects.command)
    handle(@Payload() message: ControlMessage): Promise<ControlAnswer> {
      return this.channel.handle(message);
    }

    @MessagePattern(subjects.partner)
    handlePartner(@Payload() message: ControlMessage): Promise<ControlAnswer> {
      return this.channel.handle(message, { restricted: true });
    }
  }
  return ControlChannelController;
}
