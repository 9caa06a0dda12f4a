using MedCoord.Scheduling.Isolation;
using MedCoord.Scheduling.Operations;

namespace MedCoord.Scheduling.Tests.Isolation;

/// <summary>The worker's line protocol read on its own: what a line says, and each malformed line refused rather than believed.</summary>
public sealed class WorkerProtocolTests
{
    private static Assignment At(string request, int hour) =>
        new(request, "p-" + request, "dr-a", null, "main", new LocalDateTime(2026, 12, 7, hour, 0).WithOffset(Offset.FromHours(-5)), new LocalDateTime(2026, 12, 7, hour, 30).WithOffset(Offset.FromHours(-5)));

    private static Schedule With(params Assignment[] assignments) =>
        new(ScheduleStatus.Feasible, new(0, 0, 0), assignments, [], new(0, 1, 0));

    private static readonly Schedule Previous = With(At("r1", 8), At("r2", 9), At("r3", 10));
    private static readonly Schedule Next = With(At("r2", 11), At("r3", 10));

    [Theory]
    [InlineData("ready", "ready", "")]
    [InlineData("progress 1 2 3 1", "progress", "1 2 3 1")]
    [InlineData("schedule ", "schedule", "")]
    [InlineData("", "", "")]
    [InlineData(" schedule {}", "", "schedule {}")]
    public void Split_TakesTheWordBeforeTheFirstSpaceAsTheKind(string line, string kind, string payload) =>
        Assert.Equal((kind, payload), WorkerProtocol.Split(line));

    [Fact]
    public void Compact_WritesTheJsonOnOneLine() =>
        Assert.Equal("{\"a\":[1,2],\"b\":{\"c\":\"d e\"}}", WorkerProtocol.Compact("{\n  \"a\" : [ 1, 2 ],\n  \"b\": { \"c\": \"d e\" }\n}"));

    [Fact]
    public void FormatProgress_WritesTicksPriorityBoundAndPhase() =>
        Assert.Equal("progress 123456789 -4 57 2", WorkerProtocol.FormatProgress(new SolveProgress(Duration.FromTicks(123_456_789), -4, 57, 2)));

    [Theory]
    [InlineData("10 -4 -5 3", 10L, -4L, -5L, 3)]
    [InlineData("0 0 0 0", 0L, 0L, 0L, 0)]
    public void ParseProgress_FourWholeNumbers_IsAReport(string payload, long ticks, long priority, long bound, int phase) =>
        Assert.Equal(new SolveProgress(Duration.FromTicks(ticks), priority, bound, phase), WorkerProtocol.ParseProgress(payload));

    [Theory]
    [InlineData("1 2 3")]
    [InlineData("1 2 3 4 5")]
    [InlineData("-1 2 3 4")]
    [InlineData("+1 2 3 4")]
    [InlineData("1 2 3 -4")]
    [InlineData("1 x 3 4")]
    [InlineData("1 2 x 4")]
    [InlineData("1 2 3 x")]
    [InlineData("1  2 3")]
    [InlineData("1.5 2 3 4")]
    [InlineData("")]
    public void ParseProgress_AnythingElse_IsNoReport(string payload) => Assert.Null(WorkerProtocol.ParseProgress(payload));

    [Fact]
    public void FormatChanges_PointsIntoBothSchedules_AndParseChangesReadsTheSameChangesBack()
    {
        var changes = new List<AppointmentChange>
        {
            new("r1", AppointmentChangeKind.Dropped, Previous.Assignments[0], null, "room closed"),
            new("r2", AppointmentChangeKind.Moved, Previous.Assignments[1], Next.Assignments[0], string.Empty),
        };

        var text = WorkerProtocol.FormatChanges(changes, Previous, Next);

        Assert.Equal(
            "[{\"request\":\"r1\",\"kind\":\"Dropped\",\"before\":0,\"after\":null,\"reason\":\"room closed\"},"
            + "{\"request\":\"r2\",\"kind\":\"Moved\",\"before\":1,\"after\":0,\"reason\":\"\"}]",
            text);
        var parsed = WorkerProtocol.ParseChanges(text, Previous, Next);
        Assert.NotNull(parsed);
        Assert.Equal(changes, parsed);
        Assert.Same(Previous.Assignments[1], parsed[1].Before);
        Assert.Same(Next.Assignments[0], parsed[1].After);
    }

    [Fact]
    public void ParseChanges_NoChanges_IsAnEmptyList() => Assert.Empty(WorkerProtocol.ParseChanges("[]", Previous, Next)!);

    [Fact]
    public void ParseChanges_AReasonOfNull_IsEmpty() =>
        Assert.Equal(string.Empty, WorkerProtocol.ParseChanges("[{\"request\":\"r1\",\"kind\":\"Dropped\",\"before\":0,\"after\":null,\"reason\":null}]", Previous, Next)![0].Reason);

    [Theory]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("not json")]
    [InlineData("[{\"kind\":\"Dropped\",\"before\":0,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":null,\"kind\":\"Dropped\",\"before\":0,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"Gone\",\"before\":0,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"before\":0,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"5\",\"before\":0,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"dropped\",\"before\":0,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"Dropped\",\"before\":-1,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"Dropped\",\"before\":3,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"Dropped\",\"before\":1,\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"Dropped\",\"before\":\"0\",\"after\":null,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"Dropped\",\"before\":0,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r1\",\"kind\":\"Dropped\",\"before\":0,\"after\":null}]")]
    [InlineData("[{\"request\":\"r2\",\"kind\":\"Moved\",\"before\":1,\"after\":-1,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r2\",\"kind\":\"Moved\",\"before\":1,\"after\":2,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r2\",\"kind\":\"Moved\",\"before\":1,\"after\":1,\"reason\":\"\"}]")]
    [InlineData("[{\"request\":\"r2\",\"kind\":\"Moved\",\"before\":1,\"after\":\"0\",\"reason\":\"\"}]")]
    public void ParseChanges_ALineThatDoesNotPointAtTheSameRequestInBothSchedules_IsRefused(string payload) =>
        Assert.Null(WorkerProtocol.ParseChanges(payload, Previous, Next));
}
