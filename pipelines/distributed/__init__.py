"""Distributed mode: crawler processes on several machines share one frontier in Redis, and one
writer process is the only one that writes archive.db.

    worker (scrapy crawl news -s JIANFU_MODE=worker)     jianfu writer --redis URL --db archive.db
      scrapy-redis scheduler + dupefilter (frontier)       takes messages from `<prefix>:items`
      process_page on this machine                   ──>   (reliable queue: acknowledged after commit)
      pushes the processed page (JSON + zlib)               Archive.store, one delivery id each
      skip check: the archive's URLs exported by the writer  exports the archive's URLs to Redis

Plain Python over Redis and `pipelines.archive` (nothing here imports Scrapy): `keys` names the
Redis keys, `messages` encodes what travels, `writer` is the writer. The Scrapy side is
`crawler/distributed.py`. The manual is the README's "Crawling on several machines".
"""
