using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The book's questions answered at their edges: where a booking ends, another may start.</summary>
public sealed class BookTests
{
    private static readonly HashSet<string> None = [];

    /// <summary>A book with dr-a and room exam-1 taken from minute 100 to 130 (the room to 140, its buffer) by "held", and pool us-1 by it too.</summary>
    private static Book Held()
    {
        var book = new Book();
        book.Add(new Booking("held", "p1", "dr-a", "exam-1", 100, 130, 140, ["us-1"]));
        return book;
    }

    [Fact]
    public void ProviderBlocked_AreTheStartsWhoseAppointmentWouldOverlap_NotThoseEndingAsItBegins()
    {
        var blocked = Held().ProviderBlocked("dr-a", 30, MinuteSet.Of(0, 200));

        Assert.Equal([(71L, 130L)], blocked.Ranges);
    }

    [Fact]
    public void PatientBlocked_IgnoresTheBookingsAskedToBeIgnored()
    {
        Assert.Equal([(91L, 130L)], Held().PatientBlocked("p1", 10, MinuteSet.Of(0, 200)).Ranges);
        Assert.Empty(Held().PatientBlocked("p1", 10, MinuteSet.Of(0, 200), new HashSet<string> { "held" }).Ranges);
    }

    [Theory]
    [InlineData(70, 71, false)] // ends at 100, as the booking starts
    [InlineData(71, 72, true)]
    [InlineData(129, 130, true)]
    [InlineData(130, 131, false)] // starts as the provider's booking ends
    public void ProviderTakenBy_NamesTheBookingOnlyWhereItClashes(long from, long to, bool clashes) =>
        Assert.Equal(clashes ? ["held"] : [], Held().ProviderTakenBy("dr-a", 30, MinuteSet.Of(from, to)));

    [Theory]
    [InlineData(110, 140, true)]
    [InlineData(130, 131, true)] // the room is taken to 140, its buffer, though the provider is free from 130
    [InlineData(140, 141, false)]
    public void RoomTakenBy_CountsTheBuffer(long from, long to, bool clashes) =>
        Assert.Equal(clashes ? ["held"] : [], Held().RoomTakenBy("exam-1", 30, MinuteSet.Of(from, to)));

    [Theory]
    [InlineData(false, "exam-1", 0, 100, "")] // ends as the booking starts
    [InlineData(false, "exam-1", 0, 101, "100-140")]
    [InlineData(false, "exam-1", 139, 200, "100-140")]
    [InlineData(false, "exam-1", 140, 200, "")] // starts as the buffer ends
    [InlineData(true, "us-1", 129, 200, "100-130")] // a pool's unit is held without the buffer
    [InlineData(true, "us-1", 130, 200, "")]
    [InlineData(true, "exam-1", 0, 200, "")] // rooms and pools are apart
    [InlineData(false, "us-1", 0, 200, "")]
    public void Occupying_AreTheBookingsOverlappingTheSpan(bool pool, string id, long from, long to, string expected) =>
        Assert.Equal(expected, string.Join(",", Held().Occupying(pool, id, from, to, None).Select(o => $"{o.Start}-{o.End}")));

    [Fact]
    public void Occupying_LeavesOutTheBookingsIgnored() =>
        Assert.Empty(Held().Occupying(false, "exam-1", 0, 200, new HashSet<string> { "held" }));

    [Fact]
    public void RoomBlocked_ASharedRoom_IsBlockedOnlyWhereEveryPlaceIsTaken()
    {
        var book = new Book();
        book.Add(new Booking("a", "p1", null, "chairs", 0, 60, 60));
        book.Add(new Booking("b", "p2", null, "chairs", 30, 90, 90));
        book.Add(new Booking("c", "p3", null, "chairs", 60, 120, 120));

        // Two places: full from 30 to 90 (a and b, then b and c), so a 10-minute stay is blocked from 21.
        Assert.Equal([(21L, 90L)], book.RoomBlocked(new RoomOption("chairs", MinuteSet.All, 2), 10, MinuteSet.Of(0, 200)).Ranges);
        Assert.Empty(book.RoomBlocked(new RoomOption("chairs", MinuteSet.All, 3), 10, MinuteSet.Of(0, 200)).Ranges);
    }
}
