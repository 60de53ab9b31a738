import { Body, Controller, Get, Header, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { logger } from '@sightline/node';
import { type Order, parseOrderId, parseOrderInput } from './order-model.js';
import { OrderService } from './order-service.js';

/** The HTTP layer on NestJS: the same routes and status codes as the Express and Fastify examples. */
@Controller('orders')
export class OrdersController {
  constructor(@Inject(OrderService) private readonly orders: OrderService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): Promise<Order> {
    return this.orders.create(parseOrderInput(body));
  }

  @Get()
  async list(@Query('limit') rawLimit?: string): Promise<{ orders: Order[] }> {
    const limit = Math.min(Math.max(Number(rawLimit) || 20, 1), 100);
    return { orders: await this.orders.list(limit) };
  }

  @Get(':id')
  @Header('cache-control', 'no-store')
  async get(@Param('id') rawId: string): Promise<Order> {
    const id = parseOrderId(rawId);
    const order = await this.orders.get(id);
    if (!order) {
      logger.info({ orderId: id }, 'order not found');
      throw new NotFoundException({ error: { code: 'ORDER_NOT_FOUND', message: `order ${id} does not exist` } });
    }
    return order;
  }
}
