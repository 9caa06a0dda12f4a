using MedCoord.Scheduling.Solving;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>
/// The book's answer to "could this booking join?", which decides whether a neighbourhood's result, solved while
/// another lane's result was kept, may still be kept.
/// </summary>
public sealed class BookTests
{
    private static Book With(params Booking[] bookings)
    {
        var book = new Book();
        foreach (var b in bookings)
        {
            book.Add(b);
        }

        return book;
    }

    private static Booking At(string id, long start, long end, string patient = "pat", string? provider = "dr", string? room = "room", int buffer = 0, params string[] pools) =>
        new(id, patient, provider, room, start, end, end + buffer, pools.Length == 0 ? null : pools);

    [Fact]
    public void Fits_ProviderOrPatientAlreadyBusy_DoesNotFit()
    {
        var book = With(At("a", 60, 90, patient: "p1", provider: "dr", room: "r1"));

        Assert.False(book.Fits(At("b", 75, 105, patient: "p2", provider: "dr", room: "r2"), 1, []));
        Assert.False(book.Fits(At("b", 45, 75, patient: "p1", provider: "other", room: "r2"), 1, []));
        Assert.True(book.Fits(At("b", 90, 120, patient: "p1", provider: "dr", room: "r2"), 1, []));
        Assert.True(book.Fits(At("b", 30, 60, patient: "p1", provider: "dr", room: "r2"), 1, []));
    }

    [Fact]
    public void Fits_RoomTakenThroughItsBuffer_DoesNotFitUntilTheBufferEnds()
    {
        var book = With(At("a", 60, 90, patient: "p1", provider: "d1", room: "r1", buffer: 10));

        Assert.False(book.Fits(At("b", 95, 125, patient: "p2", provider: "d2", room: "r1"), 1, []));
        Assert.True(book.Fits(At("b", 100, 130, patient: "p2", provider: "d2", room: "r1"), 1, []));

        // A booking whose own buffer would run into the next one does not fit either.
        Assert.False(book.Fits(At("b", 20, 60, patient: "p2", provider: "d2", room: "r1", buffer: 5), 1, []));
    }

    [Fact]
    public void Fits_SharedRoom_HoldsAsManyAsItsPlaces()
    {
        var book = With(At("a", 0, 60, patient: "p1", provider: null, room: "bay"), At("b", 30, 90, patient: "p2", provider: null, room: "bay"));

        Assert.False(book.Fits(At("c", 45, 75, patient: "p3", provider: null, room: "bay"), 2, []));
        Assert.True(book.Fits(At("c", 45, 75, patient: "p3", provider: null, room: "bay"), 3, []));
        Assert.True(book.Fits(At("c", 60, 90, patient: "p3", provider: null, room: "bay"), 2, []));
    }

    [Fact]
    public void Fits_EquipmentPool_LendsAtMostItsUnits()
    {
        var pump = new PoolUse("pumps", 1);
        var book = With(At("a", 0, 60, patient: "p1", provider: "d1", room: "r1", pools: "pumps"));

        Assert.False(book.Fits(At("b", 30, 60, patient: "p2", provider: "d2", room: "r2", pools: "pumps"), 1, [pump]));
        Assert.True(book.Fits(At("b", 30, 60, patient: "p2", provider: "d2", room: "r2", pools: "pumps"), 1, [pump with { Count = 2 }]));
        Assert.True(book.Fits(At("b", 60, 90, patient: "p2", provider: "d2", room: "r2", pools: "pumps"), 1, [pump]));
    }
}
