-- A small plan stored at the FIRST migration (alembic revision 0001), as renkei 0001 wrote it: an area of three
-- municipalities, two projects with budgets, partners, roles and KPIs, and actuals in every state 0001 knew
-- (an approved value with an older approved version, a total with its municipalities' breakdown, a submitted
-- value not yet approved). Frozen: never regenerate it from newer code. Statements end with ";" at a line's end.
INSERT INTO area (id, slug, name, name_en, lead_code, plan_first_year, plan_last_year, extra_parties, created_at, updated_at)
VALUES (1, 'kitakyushu', '北九州都市圏域', 'Kitakyushu Metropolitan Area', '401005', 2026, 2030, '["福岡県"]',
        '2026-04-01 09:00:00', '2026-04-01 09:00:00');
INSERT INTO municipality (id, code, name, prefecture, kana) VALUES
  (1, '401005', '北九州市', '福岡県', 'きたきゅうしゅうし'),
  (2, '402133', '行橋市', '福岡県', 'ゆくはしし'),
  (3, '403814', '芦屋町', '福岡県', 'あしやまち');
INSERT INTO area_member (area_id, municipality_id, is_lead, position) VALUES (1, 1, true, 0), (1, 2, false, 1), (1, 3, false, 2);
INSERT INTO plan (id, area_id, plan_key, area_name, title, first_year, last_year, source_sha256, version, created_at, updated_at)
VALUES (1, 1, 'kitakyushu-2026', '北九州都市圏域', '第2次連携中枢都市圏ビジョン', 2026, 2030,
        '5d41402abc4b2a76b9719d911017c592a1b2c3d4e5f60718293a4b5c6d7e8f90', 1, '2026-04-01 09:00:00', '2026-04-01 09:00:00');
INSERT INTO policy_area (id, plan_id, number, name) VALUES
  (1, 1, 1, '圏域全体の経済成長のけん引'),
  (2, 1, 2, '圏域内外の結びつきやネットワークの強化に係る政策分野');
INSERT INTO category (id, plan_id, code, name, subtitle) VALUES (1, 1, 'a', '地域公共交通', NULL), (2, 1, 'f', '災害対策', NULL);
INSERT INTO project (id, plan_id, key, slug, name, relisted, status, policy_area_id, category_id, description, effects,
                     partners_text, partners_all_members, has_budget, budget_unit, budget_note, budget_source_line,
                     cost_basis, cost_text, cost_principles, extra, source_line, position, version, created_at, updated_at)
VALUES
  (1, 1, '自分らしく歩む女性たちのストーリー発信事業', '496e4c64a9', '自分らしく歩む女性たちのストーリー発信事業', false,
   'active', 1, 1, '圏域市町で活躍する多様な女性ロールモデルを紹介する。', '["女性のキャリア形成支援", "女性の定着によるまちの活性化"]',
   '行橋市、芦屋町', false, true, '千円', NULL, 5, 'lead_city', '原則として北九州市が負担する。',
   '[{"basis": "lead_city", "text": "原則として北九州市が負担する。"}]', '[]', 2, 0, 1, '2026-04-01 09:00:00',
   '2026-04-01 09:00:00'),
  (2, 1, '消防指令業務の共同運用に係る調査研究事業', '8a5d0d0ac6', '消防指令業務の共同運用に係る調査研究事業', false,
   'active', 2, 2, '消防指令業務の共同運用について調査研究を行う。', '["消防力の強化"]', '行橋市', false, true, '千円',
   NULL, 25, 'negotiated', '事業費の発生が見込まれる時は協議し決定する。',
   '[{"basis": "negotiated", "text": "事業費の発生が見込まれる時は協議し決定する。"}]', '[]', 22, 1, 1,
   '2026-04-01 09:00:00', '2026-04-01 09:00:00');
INSERT INTO budget_line (id, project_id, fiscal_year, amount, status, text) VALUES
  (1, 1, 2026, 2420, 'amount', '2,420'),
  (2, 1, 2027, 2600, 'amount', '2,600'),
  (3, 1, 2028, NULL, 'undetermined', '未定'),
  (4, 2, 2026, 1350, 'amount', '1,350'),
  (5, 2, 2027, NULL, 'none', '—');
INSERT INTO project_partner (id, project_id, kind, position, name, municipality_id, is_lead, in_area) VALUES
  (1, 1, 'member', 0, '行橋市', 2, false, true),
  (2, 1, 'member', 1, '芦屋町', 3, false, true),
  (3, 2, 'member', 0, '行橋市', 2, false, true);
INSERT INTO role (id, project_id, position, party, duties) VALUES
  (1, 1, 0, '北九州市', '["本事業を推進する。"]'),
  (2, 1, 1, '連携市町', '["協力する。", "周知する。"]'),
  (3, 2, 0, '北九州市', '["調査研究を行う。"]');
INSERT INTO kpi (id, project_id, indicator, indicator_key, direction, status, position, source_line, baseline_text,
                 baseline_value, baseline_unit, baseline_per, baseline_kind, baseline_fiscal_year,
                 baseline_from_fiscal_year, baseline_extra, target_text, target_value, target_unit, target_per,
                 target_kind, target_fiscal_year, target_from_fiscal_year, target_extra, created_at, updated_at)
VALUES
  (1, 1, 'WEBページ閲覧数', 'WEBページ閲覧数', 'increase', 'active', 0, 12, 'なし（令和7年度）', 0, NULL, NULL, 'point',
   2025, NULL, '{}', '100,000回（令和12年度）', 100000, '回', NULL, 'point', 2030, NULL, '{}', '2026-04-01 09:00:00',
   '2026-04-01 09:00:00'),
  (2, 2, '検討会実施件数', '検討会実施件数', 'increase', 'active', 0, 32, '0回（令和7年度）', 0, '回', NULL, 'point', 2025,
   NULL, '{}', '12回（令和12年度）', 12, '回', NULL, 'point', 2030, NULL, '{}', '2026-04-01 09:00:00',
   '2026-04-01 09:00:00');
INSERT INTO actual (id, kpi_id, fiscal_year, month, value, note, evidence, entered_by, entered_at, review_status,
                    is_current, version, recorded_at) VALUES
  (1, 1, 2026, NULL, 17000, '速報値', NULL, 'kikaku', '2027-04-10 10:00:00', 'approved', false, 1, '2027-04-10 10:00:00'),
  (2, 1, 2026, NULL, 18500, '確定値', '公式サイトのアクセス解析', 'kikaku', '2027-04-20 10:00:00', 'approved', true, 2,
   '2027-04-20 10:00:00'),
  (3, 2, 2026, NULL, 3, NULL, '会議録', 'kikaku', '2027-04-20 10:00:00', 'approved', true, 1, '2027-04-20 10:00:00'),
  (4, 1, 2027, NULL, 31234, '集計中', NULL, 'kikaku', '2027-04-25 10:00:00', 'submitted', true, 1,
   '2027-04-25 10:00:00');
INSERT INTO actual_value_by_municipality (id, actual_id, municipality_code, position, value) VALUES
  (1, 3, '401005', 0, 2),
  (2, 3, '402133', 1, 1);
