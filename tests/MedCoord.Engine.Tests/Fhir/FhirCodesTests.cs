using System.Reflection;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Fhir;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;
using Xunit;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Engine.Tests.Fhir;

/// <summary>Every status maps to a code of the FHIR R4 value set it claims, as the Firely SDK's enums list them.</summary>
public sealed class FhirCodesTests
{
    /// <summary>The codes of a Firely enum, read from its EnumLiteral attributes.</summary>
    private static HashSet<string> Literals<TFhir>()
        where TFhir : struct, Enum =>
        [.. typeof(TFhir).GetFields(BindingFlags.Public | BindingFlags.Static)
            .SelectMany(f => f.GetCustomAttributes().Where(a => a.GetType().Name == "EnumLiteralAttribute"))
            .Select(a => (string)a.GetType().GetProperty("Literal")!.GetValue(a)!)];

    private static void AllIn<TOurs, TFhir>(Func<TOurs, string> code)
        where TOurs : struct, Enum
        where TFhir : struct, Enum
    {
        var literals = Literals<TFhir>();
        Assert.NotEmpty(literals);
        Assert.All(Enum.GetValues<TOurs>(), value => Assert.Contains(code(value), literals));
    }

    [Fact]
    public void Codes_AreInTheirValueSets()
    {
        AllIn<CarePlanStatus, R4.RequestStatus>(s => s.Code());
        AllIn<ActivityStatus, R4.CarePlan.CarePlanActivityStatus>(s => s.Code());
        AllIn<GoalStatus, R4.Goal.GoalLifecycleStatus>(s => s.Code());
        AllIn<VisitStatus, R4.Appointment.AppointmentStatus>(s => s.Code());
        AllIn<ReferralPriority, R4.RequestPriority>(s => s.Code());
        AllIn<ReferralStatus, R4.Task.TaskStatus>(s => s.TaskCode());
        AllIn<ResultStatus, R4.ObservationStatus>(s => s.Code());
    }

    [Fact]
    public void Codes_OfEachEnumAreDistinctWhereFhirDistinguishesThem()
    {
        Assert.Equal(Enum.GetValues<ActivityStatus>().Length, Enum.GetValues<ActivityStatus>().Select(s => s.Code()).Distinct().Count());
        Assert.Equal(Enum.GetValues<VisitStatus>().Length, Enum.GetValues<VisitStatus>().Select(s => s.Code()).Distinct().Count());
        Assert.Equal("checked-in", VisitStatus.CheckedIn.Code());
        Assert.Equal("entered-in-error", ActivityStatus.EnteredInError.Code());
    }
}
