/// The version `salesops --version` prints and `etl_runs` could be traced to.
public enum SalesopsVersion {
    public static let text = "0.9.0"
}
