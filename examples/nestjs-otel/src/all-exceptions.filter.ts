import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { logger, recordError, trace } from '@sightline/node';
import type { Request, Response } from 'express';
import { InvalidOrderError } from './order-model.js';

/** Maps errors to the same responses as the other examples; server errors are recorded on the trace and logged. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (err instanceof InvalidOrderError) {
      logger.warn({ method: request.method, path: request.path, reason: err.message }, 'rejected invalid request');
      response.status(400).json({ error: { code: 'INVALID_ORDER', message: err.message } });
      return;
    }
    if (err instanceof HttpException && err.getStatus() < 500) {
      response.status(err.getStatus()).json(err.getResponse());
      return;
    }
    recordError(err);
    logger.error({ err, method: request.method, path: request.path }, 'request failed');
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    response.status(500).json({ error: { code: 'INTERNAL', message: 'internal error', traceId } });
  }
}
