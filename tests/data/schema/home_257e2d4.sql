BEGIN TRANSACTION;
CREATE TABLE "_migrations" (
   "name" TEXT PRIMARY KEY,
   "applied_at" TEXT
);
INSERT INTO "_migrations" VALUES('m001_initial','2026-11-29T18:56:05.236460+00:00');
INSERT INTO "_migrations" VALUES('m002_segments','2026-11-29T18:56:05.238192+00:00');
INSERT INTO "_migrations" VALUES('m003_intake_problems','2026-11-29T18:56:05.238701+00:00');
INSERT INTO "_migrations" VALUES('m010_promise_identity','2026-11-29T18:56:05.243133+00:00');
INSERT INTO "_migrations" VALUES('m011_search_index','2026-11-29T18:56:05.265195+00:00');
INSERT INTO "_migrations" VALUES('m040_evidence_purposes','2026-11-29T18:56:05.265812+00:00');
CREATE TABLE "custody" (
   "id" INTEGER PRIMARY KEY,
   "at" TEXT,
   "actor" TEXT,
   "action" TEXT,
   "evidence_id" INTEGER,
   "details" TEXT,
   "prev_hash" TEXT,
   "hash" TEXT
);
INSERT INTO "custody" VALUES(1,'2026-11-29T18:56:05.282569+00:00','recorder 0.1.0','ingest',1,'{"kind": "text", "original_name": "在线客服聊天记录_20240815_101500.txt", "parent_id": null, "recorded_at": "2024-08-15T10:15:00+08:00", "recorded_at_source": "filename", "sha256": "664322130a02e9bbff0617330921467bdeecda642d0195bd31d7ec7ff338a465", "size": 671, "source": "/work/wt-cli/samples/网商贷/在线客服聊天记录_20240815_101500.txt"}','0000000000000000000000000000000000000000000000000000000000000000','48d030274c28ab1128a42ef71831fc79d9a8146fa7f7d85b400da68710b8f989');
INSERT INTO "custody" VALUES(2,'2026-11-29T18:56:05.287429+00:00','recorder 0.1.0','ingest',2,'{"kind": "sms_xml", "original_name": "sms-20240826.xml", "parent_id": null, "recorded_at": "2024-08-26T00:00:00+08:00", "recorded_at_source": "filename", "sha256": "76067b70b426b29a257cd787972e3fce7c0b5362b3f2dc84c6d7f3f31149c2da", "size": 1218, "source": "/work/wt-cli/samples/网商贷/sms-20240826.xml"}','48d030274c28ab1128a42ef71831fc79d9a8146fa7f7d85b400da68710b8f989','d3ff43fdac24a88e2fdd26819db1052b9641ae2a41482f66840e1ecea8ca5bff');
INSERT INTO "custody" VALUES(3,'2026-11-29T18:56:05.310834+00:00','recorder 0.1.0','read',1,'{"attachments": [], "flags": [], "reader": "chatlog", "segments": 9, "settings": null}','d3ff43fdac24a88e2fdd26819db1052b9641ae2a41482f66840e1ecea8ca5bff','f1d6f32987afedf97439504080b11f05dd57a040ae4a2e31818257d5c5550eb5');
INSERT INTO "custody" VALUES(4,'2026-11-29T18:56:05.324504+00:00','recorder 0.1.0','read',2,'{"attachments": [], "flags": [], "reader": "sms_xml", "segments": 4, "settings": null}','f1d6f32987afedf97439504080b11f05dd57a040ae4a2e31818257d5c5550eb5','844068e1dc3067e974d2bb49e34d2c668d0ee23eef288bc24e232c7047ccfcc6');
INSERT INTO "custody" VALUES(5,'2026-11-29T18:56:06.175858+00:00','recorder 0.1.0','extract',1,'{"promises": 6}','844068e1dc3067e974d2bb49e34d2c668d0ee23eef288bc24e232c7047ccfcc6','0b380fa16ce9b6a7ff33d9f86d456e5ce539e002ee53f255af1536c22d0e260d');
INSERT INTO "custody" VALUES(6,'2026-11-29T18:56:06.190813+00:00','recorder 0.1.0','extract',2,'{"promises": 1}','0b380fa16ce9b6a7ff33d9f86d456e5ce539e002ee53f255af1536c22d0e260d','f84ba1593c105ec2e0fe154876308b3bd6dadaa6b921f08681bb932a09fda8c3');
CREATE TABLE "evidence" (
   "id" INTEGER PRIMARY KEY,
   "sha256" TEXT NOT NULL,
   "kind" TEXT NOT NULL,
   "original_name" TEXT NOT NULL,
   "source" TEXT,
   "case_name" TEXT,
   "size" INTEGER,
   "vault_path" TEXT,
   "recorded_at" TEXT,
   "recorded_at_source" TEXT,
   "tz" TEXT,
   "mtime" TEXT,
   "ingested_at" TEXT,
   "counterparty" TEXT,
   "parent_id" INTEGER,
   "state" TEXT NOT NULL DEFAULT 'queued',
   "error" TEXT,
   "attempts" INTEGER DEFAULT 0,
   "meta" TEXT DEFAULT '{}'
);
INSERT INTO "evidence" VALUES(1,'664322130a02e9bbff0617330921467bdeecda642d0195bd31d7ec7ff338a465','text','在线客服聊天记录_20240815_101500.txt','samples/网商贷/在线客服聊天记录_20240815_101500.txt','网商贷',671,'vault/66/664322130a02e9bbff0617330921467bdeecda642d0195bd31d7ec7ff338a465.txt','2024-08-15T10:15:00+08:00','filename','Asia/Shanghai','2026-11-29T18:50:28.757482+00:00','2026-11-29T18:56:05.276372+00:00',NULL,NULL,'done',NULL,0,'{"chatlog": {"encoding": "utf-8", "lines_read": 9, "bytes_read": 671}}');
INSERT INTO "evidence" VALUES(2,'76067b70b426b29a257cd787972e3fce7c0b5362b3f2dc84c6d7f3f31149c2da','sms_xml','sms-20240826.xml','samples/网商贷/sms-20240826.xml','网商贷',1218,'vault/76/76067b70b426b29a257cd787972e3fce7c0b5362b3f2dc84c6d7f3f31149c2da.xml','2024-08-26T00:00:00+08:00','filename','Asia/Shanghai','2026-11-29T18:50:28.757482+00:00','2026-11-29T18:56:05.287198+00:00',NULL,NULL,'done',NULL,0,'{"sms_backup": {"kind": "smses", "count_declared": 4, "read": 4}}');
CREATE TABLE "evidence_purposes" (
   "evidence_id" INTEGER PRIMARY KEY REFERENCES "evidence"("id"),
   "purpose" TEXT,
   "set_at" TEXT
);
CREATE TABLE "evidence_sources" (
   "id" INTEGER PRIMARY KEY,
   "evidence_id" INTEGER REFERENCES "evidence"("id"),
   "path" TEXT,
   "original_name" TEXT,
   "case_name" TEXT,
   "size" INTEGER,
   "mtime_ns" INTEGER,
   "seen_at" TEXT
);
INSERT INTO "evidence_sources" VALUES(1,1,'samples/网商贷/在线客服聊天记录_20240815_101500.txt','在线客服聊天记录_20240815_101500.txt','网商贷',671,1795978228757482136,'2026-11-29T18:56:05.282764+00:00');
INSERT INTO "evidence_sources" VALUES(2,2,'samples/网商贷/sms-20240826.xml','sms-20240826.xml','网商贷',1218,1795978228757482136,'2026-11-29T18:56:05.287515+00:00');
CREATE TABLE "flags" (
   "id" INTEGER PRIMARY KEY,
   "evidence_id" INTEGER REFERENCES "evidence"("id"),
   "kind" TEXT,
   "detail" TEXT,
   "start" REAL,
   "end" REAL,
   "promise_id" INTEGER,
   "created_at" TEXT
);
INSERT INTO "flags" VALUES(1,2,'contradiction','Promise 1 waived the late fee on 2024-08-15, but a fee is mentioned on 2024-08-26T09:00: 【网商银行】您的借款已逾期，违约金将按日计收，请立即还款。',NULL,NULL,1,'2026-11-29T18:56:06.190393+00:00');
INSERT INTO "flags" VALUES(2,2,'contradiction','Promise 3 said collection would stop by 2024-08-20, but a message about paying came on 2024-08-26T09:00: 【网商银行】您的借款已逾期，违约金将按日计收，请立即还款。',NULL,NULL,3,'2026-11-29T18:56:06.190439+00:00');
CREATE TABLE "intake_problems" (
   "id" INTEGER PRIMARY KEY,
   "path" TEXT,
   "error" TEXT,
   "attempts" INTEGER DEFAULT 1,
   "first_seen" TEXT,
   "last_seen" TEXT
);
CREATE TABLE "jobs" (
   "id" INTEGER PRIMARY KEY,
   "evidence_id" INTEGER REFERENCES "evidence"("id"),
   "step" TEXT,
   "state" TEXT DEFAULT 'pending',
   "attempts" INTEGER DEFAULT 0,
   "error" TEXT,
   "not_before" TEXT,
   "claimed_by" TEXT,
   "claimed_at" TEXT,
   "created_at" TEXT,
   "finished_at" TEXT
);
INSERT INTO "jobs" VALUES(1,1,'read','done',1,NULL,'2026-11-29T18:56:05.282407+00:00','vm:21567','2026-11-29T18:56:05.291993+00:00','2026-11-29T18:56:05.282407+00:00','2026-11-29T18:56:05.310782+00:00');
INSERT INTO "jobs" VALUES(2,2,'read','done',1,NULL,'2026-11-29T18:56:05.287394+00:00','vm:21567','2026-11-29T18:56:05.311063+00:00','2026-11-29T18:56:05.287394+00:00','2026-11-29T18:56:05.324483+00:00');
INSERT INTO "jobs" VALUES(3,1,'extract','done',1,NULL,'2026-11-29T18:56:05.310760+00:00','vm:21567','2026-11-29T18:56:05.324682+00:00','2026-11-29T18:56:05.310760+00:00','2026-11-29T18:56:06.175775+00:00');
INSERT INTO "jobs" VALUES(4,2,'extract','done',1,NULL,'2026-11-29T18:56:05.324465+00:00','vm:21567','2026-11-29T18:56:06.176189+00:00','2026-11-29T18:56:05.324465+00:00','2026-11-29T18:56:06.190777+00:00');
CREATE TABLE "promise_edits" (
   "id" INTEGER PRIMARY KEY,
   "promise_id" INTEGER REFERENCES "promises"("id"),
   "at" TEXT,
   "field" TEXT,
   "value" TEXT
);
CREATE TABLE "promises" (
   "id" INTEGER PRIMARY KEY,
   "evidence_id" INTEGER REFERENCES "evidence"("id"),
   "segment_id" INTEGER,
   "party" TEXT,
   "kind" TEXT,
   "text" TEXT,
   "amount" REAL,
   "currency" TEXT,
   "due" TEXT,
   "due_grain" TEXT,
   "said_at" TEXT,
   "offset" REAL,
   "condition" TEXT,
   "status" TEXT DEFAULT 'open',
   "created_at" TEXT
, "segment_idx" INTEGER, "key" TEXT, "segment_text" TEXT, "repairs" TEXT);
INSERT INTO "promises" VALUES(1,1,3,'them','waiver','如果您在8月20日前先还两千，我们可以帮您减免违约金',NULL,NULL,NULL,NULL,'2024-08-15T10:05:00+08:00',3.0,'如果您在8月20日前先还两千','open','2026-11-29T18:56:06.167830+00:00',2,'2:waiver:them:31cda4cd3b25416e','如果您在8月20日前先还两千，我们可以帮您减免违约金',NULL);
INSERT INTO "promises" VALUES(2,1,4,'me','payment','好的，我20号之前还两千',2000.0,'CNY','2024-08-20T23:59:59+08:00','day','2024-08-15T10:06:00+08:00',4.0,NULL,'open','2026-11-29T18:56:06.167830+00:00',3,'3:payment:me:8fb86680eaf5ac72','好的，我20号之前还两千',NULL);
INSERT INTO "promises" VALUES(3,1,5,'them','stop_collection','另外我们会在三个工作日内停止催收电话',NULL,NULL,'2024-08-20T23:59:59+08:00','day','2024-08-15T10:07:00+08:00',5.0,NULL,'open','2026-11-29T18:56:06.167830+00:00',4,'4:stop_collection:them:c5d6195e62a9e307','另外我们会在三个工作日内停止催收电话',NULL);
INSERT INTO "promises" VALUES(4,1,7,'them','installment','可以，剩余欠款可以分12期还款，每期1,040元',1040.0,'CNY',NULL,NULL,'2024-08-15T10:10:00+08:00',7.0,NULL,'open','2026-11-29T18:56:06.167830+00:00',6,'6:installment:them:141c90a9357d95a6','可以，剩余欠款可以分12期还款，每期1,040元',NULL);
INSERT INTO "promises" VALUES(5,1,8,'them','settlement_proof','结清后我们会给您开具结清证明，不会上报征信',NULL,NULL,NULL,NULL,'2024-08-15T10:11:00+08:00',8.0,'结清后','open','2026-11-29T18:56:06.167830+00:00',7,'7:settlement_proof:them:0dd5882236d949ae','结清后我们会给您开具结清证明，不会上报征信',NULL);
INSERT INTO "promises" VALUES(6,1,8,'them','credit_report','结清后我们会给您开具结清证明，不会上报征信',NULL,NULL,NULL,NULL,'2024-08-15T10:11:00+08:00',8.0,'结清后','open','2026-11-29T18:56:06.167830+00:00',7,'7:credit_report:them:0dd5882236d949ae','结清后我们会给您开具结清证明，不会上报征信',NULL);
INSERT INTO "promises" VALUES(7,2,12,'me','payment','收到，我会在20号前还两千。',2000.0,'CNY','2024-08-20T23:59:59+08:00','day','2024-08-15T10:25:00+08:00',5.0,NULL,'open','2026-11-29T18:56:06.184866+00:00',2,'2:payment:me:1b205a717cce7bab','收到，我会在20号前还两千。',NULL);
CREATE TABLE "search_docs" (
   "segment_id" INTEGER PRIMARY KEY,
   "evidence_id" INTEGER
);
INSERT INTO "search_docs" VALUES(1,1);
INSERT INTO "search_docs" VALUES(2,1);
INSERT INTO "search_docs" VALUES(3,1);
INSERT INTO "search_docs" VALUES(4,1);
INSERT INTO "search_docs" VALUES(5,1);
INSERT INTO "search_docs" VALUES(6,1);
INSERT INTO "search_docs" VALUES(7,1);
INSERT INTO "search_docs" VALUES(8,1);
INSERT INTO "search_docs" VALUES(9,1);
INSERT INTO "search_docs" VALUES(10,2);
INSERT INTO "search_docs" VALUES(11,2);
INSERT INTO "search_docs" VALUES(12,2);
INSERT INTO "search_docs" VALUES(13,2);
CREATE VIRTUAL TABLE search_fts USING fts5(grams, chars, tags, tokenize = 'porter unicode61 remove_diacritics 2');
INSERT INTO "search_fts" VALUES('你好 我的 的网 网商 商贷 贷逾 逾期 期了 想申 申请 请减 减免 免违 违约 约金','你 好 我 的 网 商 贷 逾 期 了 想 申 请 减 免 违 约 金','ch49817ff45f36 ktext pme y2024 m202408 d20240815');
INSERT INTO "search_fts" VALUES('您好 已为 为您 您查 查询 目前 前逾 逾期 期金 金额 额为 12480 50 元','您 好 已 为 您 查 询 目 前 逾 期 金 额 为 元','ch49817ff45f36 ktext pthem y2024 m202408 d20240815');
INSERT INTO "search_fts" VALUES('如果 果您 您在 8 月 20 日前 前先 先还 还两 两千 我们 们可 可以 以帮 帮您 您减 减免 免违 违约 约金','如 果 您 在 月 日 前 先 还 两 千 我 们 可 以 帮 您 减 免 违 约 金','ch49817ff45f36 ktext pthem y2024 m202408 d20240815 qwaiver');
INSERT INTO "search_fts" VALUES('好的 我 20 号之 之前 前还 还两 两千','好 的 我 号 之 前 还 两 千','ch49817ff45f36 ktext pme y2024 m202408 d20240815 qpayment');
INSERT INTO "search_fts" VALUES('另外 外我 我们 们会 会在 在三 三个 个工 工作 作日 日内 内停 停止 止催 催收 收电 电话','另 外 我 们 会 在 三 个 工 作 日 内 停 止 催 收 电 话','ch49817ff45f36 ktext pthem y2024 m202408 d20240815 qh4bbbef858deb');
INSERT INTO "search_fts" VALUES('剩下 下的 的能 能分 12 期吗','剩 下 的 能 分 期 吗','ch49817ff45f36 ktext pme y2024 m202408 d20240815');
INSERT INTO "search_fts" VALUES('可以 剩余 余欠 欠款 款可 可以 以分 12 期还 还款 每期 1040 元','可 以 剩 余 欠 款 可 以 分 期 还 款 每 期 元','ch49817ff45f36 ktext pthem y2024 m202408 d20240815 qinstallment');
INSERT INTO "search_fts" VALUES('结清 清后 后我 我们 们会 会给 给您 您开 开具 具结 结清 清证 证明 不会 会上 上报 报征 征信','结 清 后 我 们 会 给 您 开 具 结 清 证 明 不 会 上 报 征 信','ch49817ff45f36 ktext pthem y2024 m202408 d20240815 qh005fc6a8e204 qh17c5e41daf7c');
INSERT INTO "search_fts" VALUES('好的 谢谢','好 的 谢 谢','ch49817ff45f36 ktext pme y2024 m202408 d20240815');
INSERT INTO "search_fts" VALUES('网商 商银 银行 您的 的网 网商 商贷 贷已 已逾 逾期 3 天 请尽 尽快 快还 还款 以免 免影 影响 响您 您的 的征 征信','网 商 银 行 您 的 网 商 贷 已 逾 期 天 请 尽 快 还 款 以 免 影 响 您 的 征 信','ch49817ff45f36 khcbf74dd964a0 pthem y2024 m202408 d20240814');
INSERT INTO "search_fts" VALUES('网商 商银 银行 您好 您申 申请 请的 的违 违约 约金 金减 减免 免已 已受 受理 请于 2024 年 8 月 20 日前 前还 还款 2000 元','网 商 银 行 您 好 您 申 请 的 违 约 金 减 免 已 受 理 请 于 年 月 日 前 还 款 元','ch49817ff45f36 khcbf74dd964a0 pthem y2024 m202408 d20240815');
INSERT INTO "search_fts" VALUES('收到 我会 会在 20 号前 前还 还两 两千','收 到 我 会 在 号 前 还 两 千','ch49817ff45f36 khcbf74dd964a0 pme y2024 m202408 d20240815 qpayment');
INSERT INTO "search_fts" VALUES('网商 商银 银行 您的 的借 借款 款已 已逾 逾期 违约 约金 金将 将按 按日 日计 计收 请立 立即 即还 还款','网 商 银 行 您 的 借 款 已 逾 期 违 约 金 将 按 日 计 收 请 立 即 还 款','ch49817ff45f36 khcbf74dd964a0 pthem y2024 m202408 d20240826');
CREATE TABLE "segments" (
   "id" INTEGER PRIMARY KEY,
   "evidence_id" INTEGER REFERENCES "evidence"("id"),
   "idx" INTEGER,
   "start" REAL,
   "end" REAL,
   "text" TEXT,
   "text_norm" TEXT,
   "party" TEXT,
   "speaker" TEXT,
   "at" TEXT,
   "position" TEXT,
   "channel" INTEGER,
   "avg_logprob" REAL,
   "no_speech_prob" REAL,
   "flags" TEXT DEFAULT '[]',
   "meta" TEXT DEFAULT '{}',
   "reader" TEXT
);
INSERT INTO "segments" VALUES(1,1,0,NULL,NULL,'你好，我的网商贷逾期了，想申请减免违约金','你好，我的网商贷逾期了，想申请减免违约金','me','我','2024-08-15T10:02:00+08:00','{"line": 1}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(2,1,1,NULL,NULL,'您好，已为您查询，目前逾期金额为12,480.50元','您好，已为您查询，目前逾期金额为12,480.50元','them','客服','2024-08-15T10:03:00+08:00','{"line": 2}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(3,1,2,NULL,NULL,'如果您在8月20日前先还两千，我们可以帮您减免违约金','如果您在8月20日前先还两千，我们可以帮您减免违约金','them','客服','2024-08-15T10:05:00+08:00','{"line": 3}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(4,1,3,NULL,NULL,'好的，我20号之前还两千','好的，我20号之前还两千','me','我','2024-08-15T10:06:00+08:00','{"line": 4}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(5,1,4,NULL,NULL,'另外我们会在三个工作日内停止催收电话','另外我们会在三个工作日内停止催收电话','them','客服','2024-08-15T10:07:00+08:00','{"line": 5}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(6,1,5,NULL,NULL,'剩下的能分12期吗？','剩下的能分12期吗？','me','我','2024-08-15T10:08:00+08:00','{"line": 6}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(7,1,6,NULL,NULL,'可以，剩余欠款可以分12期还款，每期1,040元','可以，剩余欠款可以分12期还款，每期1,040元','them','客服','2024-08-15T10:10:00+08:00','{"line": 7}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(8,1,7,NULL,NULL,'结清后我们会给您开具结清证明，不会上报征信','结清后我们会给您开具结清证明，不会上报征信','them','客服','2024-08-15T10:11:00+08:00','{"line": 8}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(9,1,8,NULL,NULL,'好的，谢谢','好的，谢谢','me','我','2024-08-15T10:12:00+08:00','{"line": 9}',NULL,NULL,NULL,'[]','{"type": "chat"}','chatlog');
INSERT INTO "segments" VALUES(10,2,0,NULL,NULL,'【网商银行】您的网商贷已逾期3天，请尽快还款，以免影响您的征信。','【网商银行】您的网商贷已逾期3天，请尽快还款，以免影响您的征信。','them','网商银行','2024-08-14T10:00:00+08:00','{"line": 3}',NULL,NULL,NULL,'[]','{"type": "sms", "address": "95188", "status": "received", "contact": "网商银行", "readable_date": "2024-08-14T10:00:00"}','sms_xml');
INSERT INTO "segments" VALUES(11,2,1,NULL,NULL,'【网商银行】您好，您申请的违约金减免已受理，请于2024年8月20日前还款2000元。','【网商银行】您好，您申请的违约金减免已受理，请于2024年8月20日前还款2000元。','them','网商银行','2024-08-15T10:20:00+08:00','{"line": 4}',NULL,NULL,NULL,'[]','{"type": "sms", "address": "95188", "status": "received", "contact": "网商银行", "readable_date": "2024-08-15T10:20:00"}','sms_xml');
INSERT INTO "segments" VALUES(12,2,2,NULL,NULL,'收到，我会在20号前还两千。','收到，我会在20号前还两千。','me',NULL,'2024-08-15T10:25:00+08:00','{"line": 5}',NULL,NULL,NULL,'[]','{"type": "sms", "address": "95188", "status": "sent", "contact": "网商银行", "readable_date": "2024-08-15T10:25:00"}','sms_xml');
INSERT INTO "segments" VALUES(13,2,3,NULL,NULL,'【网商银行】您的借款已逾期，违约金将按日计收，请立即还款。','【网商银行】您的借款已逾期，违约金将按日计收，请立即还款。','them','网商银行','2024-08-26T09:00:00+08:00','{"line": 6}',NULL,NULL,NULL,'[]','{"type": "sms", "address": "95188", "status": "received", "contact": "网商银行", "readable_date": "2024-08-26T09:00:00"}','sms_xml');
CREATE UNIQUE INDEX "idx_evidence_sha256"
    ON "evidence" ("sha256");
CREATE INDEX "idx_evidence_case_name"
    ON "evidence" ("case_name");
CREATE INDEX "idx_evidence_sources_path"
    ON "evidence_sources" ("path");
CREATE UNIQUE INDEX "idx_jobs_evidence_id_step"
    ON "jobs" ("evidence_id", "step");
CREATE INDEX "idx_jobs_state_not_before"
    ON "jobs" ("state", "not_before");
CREATE INDEX "idx_segments_evidence_id_idx"
    ON "segments" ("evidence_id", "idx");
CREATE INDEX "idx_segments_at"
    ON "segments" ("at");
CREATE INDEX "idx_flags_evidence_id"
    ON "flags" ("evidence_id");
CREATE UNIQUE INDEX "idx_intake_problems_path"
    ON "intake_problems" ("path");
CREATE INDEX "idx_promises_evidence_id"
    ON "promises" ("evidence_id");
CREATE INDEX "idx_promises_evidence_id_key"
    ON "promises" ("evidence_id", "key");
CREATE INDEX "idx_promises_due"
    ON "promises" ("due");
CREATE INDEX "idx_search_docs_evidence_id"
    ON "search_docs" ("evidence_id");
COMMIT;
