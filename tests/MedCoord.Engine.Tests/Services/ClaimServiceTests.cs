using MedCoord.Engine.Billing;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Tests.Storage;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Services;

/// <summary>What a payer sends back, applied through the claim service: refused whole on bad input, saved only when it changes something.</summary>
public sealed class ClaimServiceTests
{
    private static CoordinationEngine Engine() => CoordinationEngine.Over(new InMemoryEngineStore(new FakeClock(Instant.FromUtc(2026, 12, 7, 15, 0))), new FakeClock(Instant.FromUtc(2026, 12, 7, 15, 0)), Options.Create(new EngineOptions()));

    [Fact]
    public async Task Apply_SubmittedClaimsSharingAnId_AreRefusedNamingEachRepeat_NothingSaved()
    {
        var engine = Engine();
        var claim = Billing.ClaimTests.Sample().Claims[0];

        var refused = await Assert.ThrowsAsync<ValidationException>(() => engine.Claims.PostRemittancesAsync([], [claim, claim with { Status = ClaimStatus.Ready }, claim], "x12-inbound"));

        Assert.Equal([new ValidationError("submitted[1].id", $"'{claim.Id}' is used by 3 claims; claims are found by id")], refused.Errors);
        Assert.Equal("submitted", refused.ParamName);
        Assert.Empty(engine.Store.AuditTrail());
    }

    [Fact]
    public async Task Apply_AnAnswerThatChangesNothing_SavesNothing()
    {
        var engine = Engine();
        var claim = Billing.ClaimTests.Sample().Claims[0];

        var nothing = await engine.Claims.PostRemittancesAsync([], [claim], "x12-inbound");

        Assert.Empty(nothing.Errors);
        Assert.Equal([ClaimStatus.Submitted], nothing.Claims.Select(c => c.Status));
        Assert.Empty(engine.Store.List<Claim>());
        Assert.Empty(engine.Store.AuditTrail());
    }
}
