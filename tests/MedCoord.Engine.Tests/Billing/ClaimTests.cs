using System.Globalization;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests.Billing;

public sealed class ClaimTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 12, 8, 16, 0));
    private static readonly Address Home = new("120 Elm St", "Denver", "CO", "80202");

    internal static string SamplePath => Path.Combine(AppContext.BaseDirectory, "claims.json");

    internal static ClaimBatch Sample()
    {
        var (batch, errors) = ClaimFile.Parse(File.ReadAllText(SamplePath));
        Assert.Empty(errors);
        return batch!;
    }

    private static Claim Valid() => Sample().Claims[0];

    [Fact]
    public void Validate_SampleClaims_AreValid() => Assert.All(Sample().Claims, c => Assert.Empty(ClaimValidator.Validate(c)));

    [Fact]
    public void Validate_BadClaim_ListsEveryProblemAtOnceWithItsPath()
    {
        var claim = Valid();
        var bad = claim with
        {
            BillingProvider = claim.BillingProvider with { Npi = "1234567890", TaxId = "84-123" },
            Diagnoses = ["E11.9", "e78.5", "E11.9"],
            Lines =
            [
                claim.Lines[0] with { DiagnosisPointers = [1, 5], Modifiers = ["25", "59", "76", "77", "91"] },
                claim.Lines[1] with { ProcedureCode = "8303", Charge = 0m, PlaceOfService = "1" },
                claim.Lines[2] with { DateOfService = new LocalDate(2025, 6, 1), DiagnosisPointers = [] },
            ],
        };

        var problems = ClaimValidator.Validate(bad);

        Assert.Equal(
        [
            "billingProvider.npi: '1234567890' is not a valid NPI (ten digits with a Luhn check digit)",
            "billingProvider.taxId: the billing provider needs a 9-digit employer identification number",
            "diagnoses[1]: ICD-10-CM code: letters must be upper case",
            "diagnoses[2]: the same code as diagnoses[0]",
            "lines[0].modifiers: at most 4 modifiers per line, found 5",
            "lines[0].diagnosisPointers[1]: points to diagnosis 5; the claim has 3",
            "lines[1].procedureCode: procedure code: must have 5 characters, found 4",
            "lines[1].charge: must be a positive amount with at most two decimals, found 0",
            "lines[1].placeOfService: must be a two-digit place-of-service code",
            "lines[2].diagnosisPointers: a line points to 1 to 4 diagnoses, found 0",
        ], problems.Where(p => p.Path != "lines[2].dateOfService").Texts());
        Assert.Contains(new ValidationError("lines[2].dateOfService", "outside the effective dates of coverage 'cov-a'"), problems);
    }

    /// <summary>Every move, allowed or refused.</summary>
    [Theory]
    [MemberData(nameof(StatusPairs.Claim), MemberType = typeof(StatusPairs))]
    public void Move_EveryPairOfStatuses_FollowsTheClaimLifecycle(ClaimStatus from, ClaimStatus to)
    {
        var claim = Valid() with { Status = from };
        var allowed = (from, to) switch
        {
            (ClaimStatus.Draft, ClaimStatus.Ready) => true,
            (ClaimStatus.Ready, ClaimStatus.Submitted or ClaimStatus.Draft) => true,
            (ClaimStatus.Submitted, ClaimStatus.Accepted or ClaimStatus.Rejected) => true,
            (ClaimStatus.Accepted, ClaimStatus.Paid or ClaimStatus.PartiallyPaid or ClaimStatus.Denied or ClaimStatus.Rejected) => true,
            (ClaimStatus.Rejected, ClaimStatus.Draft or ClaimStatus.Closed) => true,
            (ClaimStatus.Paid, ClaimStatus.Closed) => true,
            (ClaimStatus.PartiallyPaid or ClaimStatus.Denied, ClaimStatus.Appealed or ClaimStatus.Closed) => true,
            (ClaimStatus.Appealed, ClaimStatus.Paid or ClaimStatus.PartiallyPaid or ClaimStatus.Denied or ClaimStatus.Closed) => true,
            _ => false,
        };

        if (allowed)
        {
            var moved = ClaimLifecycle.Move(claim, to, "biller-1", "r", Clock);
            Assert.Equal(new StatusChange<ClaimStatus>(from, to, "biller-1", Clock.GetCurrentInstant(), "r"), moved.History.Single());
        }
        else
        {
            Assert.Contains($"cannot go from {from} to {to}", Assert.Throws<TransitionException>(() => ClaimLifecycle.Move(claim, to, "biller-1", "r", Clock)).Message);
        }
    }

    [Fact]
    public void Move_InvalidClaimToReady_IsRefusedListingEveryProblem()
    {
        var bad = Valid() with { Diagnoses = [], Lines = [] };

        var error = Assert.Throws<ValidationException>(() => ClaimLifecycle.Move(bad, ClaimStatus.Ready, "biller-1", "checked", Clock));

        Assert.Equal([new ValidationError("diagnoses", "a claim has 1 to 12 diagnoses, found 0"), new ValidationError("lines", "a claim has 1 to 50 service lines, found 0")], error.Errors);
    }

    [Fact]
    public void FromVisit_OnlyAFulfilledVisitOfThePatientIsBilled()
    {
        var claim = Valid();
        var visit = new Visit("plan-a/consult/1", "pat-a", "new-patient", Clock.GetCurrentInstant(), VisitStatus.CheckedIn, []);

        Assert.Contains("is CheckedIn; only a fulfilled visit is billed", Assert.Throws<ValidationException>(() =>
            ClaimLifecycle.FromVisit("c", visit, claim.Patient, claim.Coverage, claim.BillingProvider, null, claim.Diagnoses, claim.Lines)).Message);
        var draft = ClaimLifecycle.FromVisit("c", visit with { Status = VisitStatus.Fulfilled }, claim.Patient, claim.Coverage, claim.BillingProvider, null, claim.Diagnoses, claim.Lines);
        Assert.Equal((ClaimStatus.Draft, "plan-a/consult/1"), (draft.Status, draft.VisitId));
    }

    [Fact]
    public async Task Engine_ClaimForAFulfilledVisit_IsStoredAndEveryMoveAudited()
    {
        using var services = new ServiceCollection().AddSingleton<IClock>(Clock).AddMedCoordEngine().BuildServiceProvider();
        var engine = services.GetRequiredService<CoordinationEngine>();
        var sample = Valid();
        engine.Store.Commit([StoreChange.Of(sample.VisitId, new Visit(sample.VisitId, "pat-a", "new-patient", Clock.GetCurrentInstant(), VisitStatus.Fulfilled, []), 0, "desk", "Visit.Fulfilled")]);

        await engine.Claims.CreateAsync(sample.Id, sample.VisitId, sample.Patient, sample.Coverage, sample.BillingProvider, sample.RenderingProvider, sample.Diagnoses, sample.Lines, "biller-1");
        foreach (var to in new[] { ClaimStatus.Ready, ClaimStatus.Submitted, ClaimStatus.Accepted, ClaimStatus.PartiallyPaid, ClaimStatus.Appealed })
        {
            await engine.Claims.MoveAsync(sample.Id, to, "biller-1", "step");
        }

        var stored = engine.Store.Find<Claim>(sample.Id)!;
        Assert.Equal((ClaimStatus.Appealed, 6L), (stored.Value.Status, stored.Version));
        Assert.Equal(["Claim.Draft", "Claim.Ready", "Claim.Submitted", "Claim.Accepted", "Claim.PartiallyPaid", "Claim.Appealed"],
            engine.Store.AuditTrail().Where(e => e.EntityType == "claim").Select(e => e.Action));
        Assert.Equal(sample.TotalCharge, stored.Value.TotalCharge);
    }

    [Fact]
    public void ClaimFile_StructuralProblems_NameTheirJsonPath()
    {
        static string Error(string json) => Assert.Single(ClaimFile.Parse(json).Errors).ToString();
        var sample = File.ReadAllText(SamplePath);

        Assert.StartsWith("claims[0].lines[1].charge:", Error(sample.Replace("\"charge\": 45.00", "\"charge\": \"forty-five\"", StringComparison.Ordinal)));
        Assert.Equal("claims[0].colour: unknown field 'colour' (see docs/claim-format.md)", Error(sample.Replace("\"id\": \"CLM-2026-0001\",", "\"id\": \"CLM-2026-0001\", \"colour\": 1,", StringComparison.Ordinal)));
        Assert.Contains("formatVersion: unsupported format version 2", Error(sample.Replace("\"formatVersion\": 1", "\"formatVersion\": 2", StringComparison.Ordinal)));
        Assert.StartsWith("$:", Error("{ not json"));
    }

    [Fact]
    public void Write_BadClaims_ProduceNoFile()
    {
        var batch = Sample();
        var bad = batch.Claims[0] with { Diagnoses = ["E11.9"], Lines = [batch.Claims[0].Lines[0]] };

        var error = Assert.Throws<ValidationException>(() => X12Writer.Write([bad, batch.Claims[0]], batch.Envelope, Clock.GetCurrentInstant().InUtc()));

        Assert.Contains("claims[0].lines[0].diagnosisPointers[1]: points to diagnosis 2; the claim has 1", error.Message);
        Assert.Contains("claims: id 'CLM-2026-0001' is used by 2 claims", error.Message);
    }

    /// <summary>The 837P of the sample passes an independent structural check.</summary>
    [Fact]
    public void Write_Sample_PassesTheStructuralCheck()
    {
        var batch = Sample();

        var x12 = X12Writer.Write(batch.Claims, batch.Envelope, Clock.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["America/Denver"]));

        Assert.Empty(X12Check.Problems(x12));
        Assert.StartsWith("ISA*00*          *00*          *ZZ*MEDCOORD01     *ZZ*ACMEHLTH       *261208*0900*^*00501*000000042*0*T*:~", x12);
        Assert.Contains("HI*ABK:E119*ABF:I10*ABF:E785~", x12);
        Assert.Contains("SV1*HC:99214:25*185*UN*1***1:2~", x12);
        Assert.Contains("HL*4*3*23*0~", x12); // the child patient under her mother's subscriber loop
    }

    /// <summary>Many claims for several billing providers in one file stay structurally sound.</summary>
    [Fact]
    public void Write_ManyClaimsAndProviders_PassTheStructuralCheck()
    {
        var batch = Sample();
        var other = batch.Claims[0].BillingProvider with { Npi = "1003000126", Name = "Lakeside Clinic" };
        var claims = Enumerable.Range(0, 30).Select(i => batch.Claims[i % 2] with
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"CLM-{i:000}"),
            BillingProvider = i % 3 == 0 ? other : batch.Claims[i % 2].BillingProvider,
        }).ToList();

        var x12 = X12Writer.Write(claims, batch.Envelope with { ControlNumber = 987654321 }, Clock.GetCurrentInstant().InUtc());

        Assert.Empty(X12Check.Problems(x12));
        Assert.Equal(30, x12.Split("~\n").Count(s => s.StartsWith("CLM*", StringComparison.Ordinal)));
    }
}
