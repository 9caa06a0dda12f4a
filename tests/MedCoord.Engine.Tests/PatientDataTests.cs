using System.Text.Json.Nodes;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests;

/// <summary>
/// Patient data never goes into an error: every validator and refusal is run on records full of distinctive (and
/// mostly invalid) patient values, and no message may hold any of them — only field paths and opaque ids.
/// </summary>
public sealed class PatientDataTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 12, 8, 16, 0));

    /// <summary>Names, birth dates, addresses, member ids, dates of service and free text no message may hold.</summary>
    private static readonly string[] Distinctive =
    [
        "Quillfeather", "Zebulonia", "Oxtongue", "Peregrina", // names
        "1953-07-19", "1953", "1950-02-03", "1950", // birth dates
        "Marrowbone", "Yarrowdale", "Qz", "9O21X", "8O2O2", // address: street, city, state, postal codes
        "MBR*77AZ9", "77AZ9", // member id
        "2031-04-17", "2031", "04/17", "2022-03-09", "2022", // dates of service (and the coverage's years)
        "Rosalind", "anxious", // free text
        "84-12", // a tax id that may be a person's SSN
    ];

    private static Person Patient => new("pat-q", new string('Q', 1) + "uillfeather" + new string('x', 60), "Zebulonia", new LocalDate(1953, 7, 19), "Z",
        new Address("4471 Marrowbone Lane ~ rear", "Yarrowdale", "Qz", "9O21X", "Marrowbone Annex #2"));

    private static Person Subscriber => new("sub-q", "Oxtongue", "Peregrina" + new string('y', 40), new LocalDate(1950, 2, 3), "?",
        new Address("9 Marrowbone Court", "Yarrowdale" + new string('z', 30), "qz", "8O2O2", "Marrowbone " + new string('y', 50)));

    private static Claim BadClaim()
    {
        var sample = Billing.ClaimTests.Sample().Claims[0];
        return sample with
        {
            Patient = Patient,
            Coverage = sample.Coverage with
            {
                MemberId = "MBR*77AZ9",
                Subscriber = Subscriber,
                Relationship = SubscriberRelationship.Self,
                EffectiveFrom = new LocalDate(2022, 3, 9),
                EffectiveTo = new LocalDate(2022, 12, 31),
            },
            BillingProvider = sample.BillingProvider with { TaxId = "84-12" },
            Lines = [.. sample.Lines.Select(l => l with { DateOfService = new LocalDate(2031, 4, 17) })],
            Diagnoses = ["E11.9", "E11.9"],
        };
    }

    [Fact]
    public async Task EveryValidator_OnDistinctivePatientValues_NamesFieldsAndIdsOnly()
    {
        var claim = BadClaim();
        var messages = new List<string>();
        async Task CatchAsync(Func<Task> action)
        {
            var error = await Record.ExceptionAsync(action);
            Assert.NotNull(error);
            messages.Add(error.Message);
        }

        void Catch(Action action)
        {
            var error = Record.Exception(action);
            Assert.NotNull(error);
            messages.Add(error.Message);
        }

        // Claims: the validator, the lifecycle, the 837 writer's checks, eligibility on every branch.
        var problems = ClaimValidator.Validate(claim).Select(p => p.ToString()).ToList();
        messages.AddRange(problems);
        Catch(() => ClaimLifecycle.Move(claim, ClaimStatus.Ready, "biller-1", "ready", Clock));
        messages.AddRange(X12Writer.Problems([claim], Billing.ClaimTests.Sample().Envelope, Clock.GetCurrentInstant().InUtc()).Select(p => p.ToString()));
        var visit = new Visit("visit-q", "pat-q", "new-patient", Clock.GetCurrentInstant(), VisitStatus.Booked, []);
        Catch(() => ClaimLifecycle.FromVisit("CLM-Q", visit, claim.Patient, claim.Coverage, claim.BillingProvider, null, claim.Diagnoses, claim.Lines));
        Catch(() => ClaimLifecycle.FromVisit("CLM-Q", visit with { Status = VisitStatus.Fulfilled, PatientId = "pat-other" }, claim.Patient, claim.Coverage, claim.BillingProvider, null, claim.Diagnoses, claim.Lines));
        foreach (var date in new[] { new LocalDate(2031, 4, 17), new LocalDate(2022, 3, 9), new LocalDate(2022, 3, 8) })
        {
            messages.Add(EligibilityCheck.Check(claim.Coverage with { Benefits = claim.Coverage.Benefits with { PriorAuthorization = ["99213", "93306"] } }, date, ["99213"]).Reason);
            messages.Add(EligibilityCheck.Check(claim.Coverage with { EffectiveTo = null }, date, ["99214"]).Reason);
        }

        // The claim file: the claim as a file, then with a birth date and a date of service that are not dates.
        var file = JsonNode.Parse(File.ReadAllText(Billing.ClaimTests.SamplePath))!;
        var patient = file["claims"]![0]!["patient"]!;
        patient["lastName"] = claim.Patient.LastName;
        patient["address"]!["postalCode"] = "9O21X";
        patient["address"]!["line1"] = "4471 Marrowbone Lane ~ rear";
        patient["address"]!["line2"] = "Marrowbone Annex #2";
        var (batch, _) = ClaimFile.Parse(file.ToJsonString());
        messages.AddRange(X12Writer.Problems(batch!.Claims, batch.Envelope, Clock.GetCurrentInstant().InUtc()).Select(p => p.ToString()));
        patient["birthDate"] = "1953-07-40";
        messages.AddRange(ClaimFile.Parse(file.ToJsonString()).Errors.Select(p => p.ToString()));
        patient["birthDate"] = "1953-07-19";
        file["claims"]![0]!["lines"]![0]!["dateOfService"] = "2031-04-17T10:00";
        messages.AddRange(ClaimFile.Parse(file.ToJsonString()).Errors.Select(p => p.ToString()));
        patient["firstName"] = 1953;
        messages.AddRange(ClaimFile.Parse(file.ToJsonString()).Errors.Select(p => p.ToString()));

        // Care plans, check-in, referrals and the engine's own refusals.
        Catch(() => CarePlanLifecycle.Create("plan-q", "pat-q", [new CarePlanGoal("g1", "Dance at Rosalind's wedding"), new CarePlanGoal("g1", "anxious")],
            [new CareActivity("consult", ActivityKind.OneOff, "new-patient", NotBefore: new LocalDate(2031, 4, 17), DueBy: new LocalDate(2022, 3, 9))], "coord-1", Clock));
        foreach (var consent in new[] { new Consent("c1", "pat-q", "treatment", Instant.FromUtc(1953, 7, 19, 0, 0), Instant.FromUtc(2022, 3, 9, 0, 0), null),
            new Consent("c1", "pat-q", "treatment", Instant.FromUtc(1953, 7, 19, 0, 0), null, Instant.FromUtc(2022, 3, 9, 0, 0)) })
        {
            messages.AddRange(VisitDesk.CheckIn(visit, new FormRequirements(true, "treatment"), [], [consent], "desk-1", Clock).Refusals);
        }

        var engine = CoordinationEngine.Over(new InMemoryEngineStore(Clock), Clock, Options.Create(new EngineOptions()));
        engine.Store.Commit([StoreChange.Of(visit.Id, visit, 0, "scheduler", "Visit.Booked")]);
        await CatchAsync(() => engine.Claims.CreateAsync("CLM-Q", visit.Id, claim.Patient, claim.Coverage, claim.BillingProvider, null, claim.Diagnoses, claim.Lines, "biller-1"));
        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-q", "pat-q", "dr-a", "cardiology", ReferralPriority.Routine, Clock), "dr-a");
        await CatchAsync(() => engine.Referrals.MoveAsync("ref-q", ReferralStatus.Closed, "dr-a", "Rosalind is anxious about the Quillfeather family history"));

        Assert.True(problems.Count >= 12, string.Join("\n", problems)); // every field with a distinctive value was refused
        Assert.Contains(problems, p => p.StartsWith("patient.address.postalCode:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("patient.address.line2:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("coverage.subscriber.address.line2:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("lines[0].dateOfService:", StringComparison.Ordinal));
        Assert.All(messages, m => Assert.DoesNotContain(Distinctive, d => m.Contains(d, StringComparison.OrdinalIgnoreCase)));
    }
}
