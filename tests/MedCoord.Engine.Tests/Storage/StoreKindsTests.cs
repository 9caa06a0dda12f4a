using MedCoord.Engine.Audit;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>How records are written (kind names, JSON) and refused, and what a read entry names.</summary>
public sealed class StoreKindsTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 15, 0);

    private static StoreChange Change(string kind = "consent", string id = "consent-1", object? value = null, string actor = "desk-1", IReadOnlyList<string>? actions = null) =>
        new(kind, id, value ?? new Consent("consent-1", "pat-1", "treatment", T0, null, null), 0, actor, actions ?? ["Consent.Given"]);

    /// <summary>Enums as their names, instants as ISO text, nulls written, computed properties (<see cref="OutboxMessage.IsPending"/>) left out.</summary>
    [Fact]
    public void Serialize_WritesThePropertiesAsJson()
    {
        var message = new OutboxMessage("msg-1", "visit-1", "pat-1", MessagePurpose.Reminder, "reminder-48h", T0, DeliveryResult.Failed, T0);

        var json = StoreKinds.Serialize(StoreChange.Of(message.Id, message, 0, "outbox", "Message.Planned"));

        Assert.Equal(
            """{"Id":"msg-1","VisitId":"visit-1","PatientId":"pat-1","Purpose":"Reminder","Template":"reminder-48h","SendAt":"2026-12-07T15:00:00Z","Delivery":"Failed","ReportedAt":"2026-12-07T15:00:00Z","CancelledAt":null,"ResultId":null,"TaskId":null}""",
            json);
        Assert.Equal(message, StoreKinds.Deserialize<OutboxMessage>(json));
    }

    [Fact]
    public void Deserialize_Null_IsAnEmptyRecord() =>
        Assert.Equal("A stored record is empty.", Assert.Throws<InvalidOperationException>(() => StoreKinds.Deserialize<Consent>("null")).Message);

    [Fact]
    public void KindsAndTypes_MapBothWays_AndAnUnknownOneIsNamed()
    {
        Assert.Equal("intake-response", StoreKinds.Of(typeof(IntakeResponse)));
        Assert.Equal(typeof(OutboxMessage), StoreKinds.TypeOf("outbox-message"));
        Assert.Equal("The engine does not store records of type String. (Parameter 'type')", Assert.Throws<ArgumentException>(() => StoreKinds.Of(typeof(string))).Message);
        Assert.Equal("Unknown kind of record 'patient'. (Parameter 'kind')", Assert.Throws<ArgumentException>(() => StoreKinds.TypeOf("patient")).Message);
        var visit = new Visit("visit-1", "pat-1", "follow-up", T0, VisitStatus.Booked, []);
        var change = StoreChange.Of(visit.Id, visit, 2, "desk-1", "Visit.Arrived", "Visit.CheckedIn");
        Assert.Equal(("visit", "visit-1", visit, 2L, "desk-1", "Visit.Arrived Visit.CheckedIn"), (change.Kind, change.Id, (Visit)change.Value, change.ExpectedVersion, change.Actor, string.Join(" ", change.Actions)));
    }

    private static readonly (string Message, StoreChange Change)[] Bad =
    [
        ("The consent 'consent-1' holds a null, not a Consent. (Parameter 'change')", Change() with { Value = null! }),
        ("The consent 'consent-1' holds a Visit, not a Consent. (Parameter 'change')", Change(value: new Visit("v", "p", "t", T0, VisitStatus.Booked, []))),
        ("Unknown kind of record 'patient'. (Parameter 'kind')", Change(kind: "patient")),
        ("The change of consent 'consent-1' needs an id, an actor and at least one action. (Parameter 'change')", Change(actions: [])),
        ("The change of consent 'consent-1' needs an id, an actor and at least one action. (Parameter 'change')", Change() with { Actions = null! }),
        ("The change of consent 'consent-1' needs an id, an actor and at least one action. (Parameter 'change')", Change(actions: ["Consent.Given", " "])),
        ("The change of consent 'consent-1' needs an id, an actor and at least one action. (Parameter 'change')", Change(actor: " ")),
        ("The change of consent ' ' needs an id, an actor and at least one action. (Parameter 'change')", Change(id: " ")),
    ];

    public static TheoryData<int> BadChanges => [.. Enumerable.Range(0, Bad.Length)];

    [Theory]
    [MemberData(nameof(BadChanges))]
    public void Serialize_ABadChange_IsRefusedSayingWhat(int index)
    {
        var (message, change) = Bad[index];
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => StoreKinds.Serialize(change)).Message);
    }

    [Fact]
    public void PatientsOf_OnlyAReadEntryWithContentNamesPatients()
    {
        var read = new AuditEntry(1, T0, "nurse-1", "read", "pat-1", "Read.PatientRecords", AuditEntry.GenesisHash, "h") { Format = 2, Content = """{"patients":["pat-1","pat-2"],"records":[]}""" };

        Assert.Equal(["pat-1", "pat-2"], AccessedRecord.PatientsOf(read));
        Assert.Empty(AccessedRecord.PatientsOf(read with { EntityType = "consent" }));
        Assert.Empty(AccessedRecord.PatientsOf(read with { Content = null }));
        Assert.Throws<ArgumentNullException>(() => AccessedRecord.PatientsOf(null!));
        Assert.Equal(new AccessedRecord("care-plan", "plan-1", "pat-1"), AccessedRecord.Of<MedCoord.Engine.CarePlans.CarePlan>("plan-1", "pat-1"));
    }
}
