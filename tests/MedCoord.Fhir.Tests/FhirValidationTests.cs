using Hl7.Fhir.Model;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>The validator the package is held to catches what the base R4 profiles forbid, offline.</summary>
public sealed class FhirValidationTests
{
    [Fact]
    public void Validate_AConformingAppointment_HasNoErrors()
    {
        var appointment = new Appointment
        {
            Id = "a1",
            Status = Appointment.AppointmentStatus.Booked,
            Start = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.FromHours(-7)),
            End = new DateTimeOffset(2026, 12, 7, 9, 30, 0, TimeSpan.FromHours(-7)),
            Participant = [new Appointment.ParticipantComponent { Actor = new ResourceReference("Patient/p1"), Status = ParticipationStatus.Accepted }],
        };

        Assert.Empty(FhirValidation.Errors(appointment));
    }

    [Fact]
    public void Validate_AnAppointmentWithoutParticipantOrAnObservationWithoutCode_IsAnError()
    {
        var noParticipant = new Appointment { Id = "a2", Status = Appointment.AppointmentStatus.Booked };
        var noCode = new Observation { Id = "o1" };

        Assert.NotEmpty(FhirValidation.Errors(noParticipant));
        Assert.NotEmpty(FhirValidation.Errors(new Bundle { Type = Bundle.BundleType.Collection, Entry = [new Bundle.EntryComponent { FullUrl = "urn:uuid:9b1f7c51-0f32-4a55-9b11-1c2d3e4f5a6b", Resource = noCode }] }));
    }
}
