/// SQL expressions over the warehouse's relations shared by the models and the reports.
public enum WarehouseSQL {
    /// The name of a deal stage (names, not codes), from the `stage_names` view, else the code.
    public static func stageName(_ stage: String, pipeline: String) -> String {
        """
        COALESCE((SELECT n.name FROM stage_names n WHERE n.pipeline = \(pipeline) AND n.stage_id = \(stage)
                  ORDER BY n.rank LIMIT 1), \(stage))
        """
    }

    /// The names of the stages in a comma-separated list of stage ids (`stage_violations.skipped_stages`),
    /// in the order listed, joined by ", ".
    public static func stageNames(_ list: String, pipeline: String, _ d: SQLDialect) -> String {
        """
        (SELECT \(d.groupConcat(stageName("j.value", pipeline: pipeline), "', '", order: "j.key"))
                                    FROM \(d.splitList(list, as: "j")))
        """
    }
}
