-- A REST DELETE of a category or a score scale is refused while active
-- objects use it (sqlstore.stillUsed): these indexes answer that without
-- reading the whole of the tables that refer to them.
CREATE INDEX line_items_category ON line_items (category_sourced_id);
CREATE INDEX line_item_score_scales_scale ON line_item_score_scales (score_scale_sourced_id);
CREATE INDEX result_score_scales_scale ON result_score_scales (score_scale_sourced_id);
CREATE INDEX assessment_line_items_scale ON assessment_line_items (score_scale_sourced_id);
CREATE INDEX assessment_results_scale ON assessment_results (score_scale_sourced_id);
