-- Room on each page for a row's next version: a send's claim only moves "nextAttemptAt", which no
-- index holds, so with free space on the page it is a HOT update (no index entries written).
-- Applies to pages written from now on. (Storage parameters are not part of the Prisma schema.)
ALTER TABLE "Delivery" SET (fillfactor = 70);
