# One image for both roles of the service: `worker` (room workflows + activities) and `http`.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY examples ./examples
USER node
CMD ["npx", "tsx", "workers/worker.ts"]
