using MedCoord.Engine.Storage;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>Every query the engine runs reads by one of the records' indexes: none walks every record of its kind.</summary>
public sealed class QueryPlanTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"medcoord-plan-{Guid.NewGuid():N}.db");

    public void Dispose() => File.Delete(_path);

    public static TheoryData<string, string> Queries => new()
    {
        { "open", "records_open" },
        { "due", "records_open" },
        { "patient", "records_patient" },
        { "ref", "records_ref" },
        { "open ref", "records_ref" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Query_ReadsByAnIndex_NeverByScanningTheKind(string shape, string index)
    {
        var query = shape switch
        {
            "open" => RecordQuery.Open,
            "due" => new RecordQuery(OpenOnly: true, DueBy: Instant.FromUtc(2026, 12, 7, 15, 0)),
            "patient" => new RecordQuery(PatientId: "pat-1"),
            "ref" => new RecordQuery(Ref: "visit-1"),
            _ => new RecordQuery(OpenOnly: true, Ref: "res-1"),
        };
        var database = SqliteDatabase.Open(_path);
        using var connection = database.Connect();
        using var command = SqliteDatabase.QueryCommand(connection, "visit", query);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.StartsWith($"SEARCH records USING INDEX {index} ", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.StartsWith("SEARCH records USING INDEX records_unindexed ", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) || step.Contains("sqlite_autoindex_records", StringComparison.Ordinal) || step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }
}
