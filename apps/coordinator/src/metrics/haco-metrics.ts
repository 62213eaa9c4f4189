import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { version as PACKAGE_VERSION } from '../../../../package.json';

/**
 * The coordinator's Prometheus registry: Node's process and runtime metrics, and the series that the
 * coordinator counts as things happen (never by rereading the log at scrape time).
 */
@Injectable()
export class HacoMetrics {
  readonly registry = new Registry();

  readonly commands = new Counter({
    name: 'haco_commands_total',
    help: 'Operator commands by outcome.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly commandSeconds = new Histogram({
    name: 'haco_command_duration_seconds',
    help: 'Operator commands, from the request to the recorded outcome, by command and outcome.',
    labelNames: ['command', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly ingestCommitSeconds = new Histogram({
    name: 'haco_ingest_commit_duration_seconds',
    help: 'One group commit of ingested events to the store.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly httpSeconds = new Histogram({
    name: 'haco_http_request_duration_seconds',
    help: 'HTTP requests, by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly refusedRequests = new Counter({
    name: 'haco_http_requests_refused_total',
    help: 'HTTP requests answered 4xx (bad input, auth, not found), by status, since the coordinator started.',
    labelNames: ['status'],
    registers: [this.registry],
  });

  readonly disputes = new Counter({
    name: 'haco_disputed_events_total',
    help: 'Events refused because another event holds their place or id (each disputes its stream), since start.',
    registers: [this.registry],
  });

  readonly authRefusals = new Counter({
    name: 'haco_auth_refusals_total',
    help: 'Calls refused for their credentials (401) or their role (403), by status and reason.',
    labelNames: ['status', 'reason'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Which build answers: a dashboard joins it to tell a fleet's versions apart.
    new Gauge({
      name: 'haco_build_info',
      help: 'The running build: 1, labelled with its version and Node.',
      labelNames: ['version', 'node'],
      registers: [this.registry],
    }).set({ version: PACKAGE_VERSION, node: process.version }, 1);
  }
}
