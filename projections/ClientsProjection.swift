import Events


/// `clients`: one row per enrolled client, as last enrolled or updated; an erased client's row
/// keeps its schedule and training profile with every personal column read as erased.
public struct ClientsProjection: Projection {
    public init() {}
    public let name = "clients"
    public let version = 6
    public let eventTypes: Set<String> = [
        ClientEnrolled.eventType, ClientUpdated.eventType, ClientErased.eventType, ClientOptedOut.eventType, ClientOptedIn.eventType,
        TravelPlanned.eventType,
    ]
    public let tables = [
        ProjectionTable(
            name: "clients",
            definition: """
                client_id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                phone_number TEXT NOT NULL,
                email TEXT,
                timezone TEXT NOT NULL,
                preferred_send_hour INTEGER NOT NULL,
                units TEXT NOT NULL,
                opted_in INTEGER NOT NULL,
                is_active INTEGER NOT NULL,
                fitness_goals TEXT NOT NULL,
                primary_goal TEXT NOT NULL,
                skill_level TEXT NOT NULL,
                days_per_week INTEGER NOT NULL,
                training_days TEXT NOT NULL,
                session_minutes INTEGER NOT NULL,
                location TEXT NOT NULL,
                equipment TEXT NOT NULL,
                injuries TEXT NOT NULL,
                age INTEGER,
                gender TEXT,
                schema_version INTEGER NOT NULL,
                enrolled_position INTEGER NOT NULL,
                updated_position INTEGER NOT NULL,
                erased_position INTEGER,
                opted_out_by TEXT,
                stays TEXT NOT NULL DEFAULT '[]'
                """,
            primaryKey: "client_id",
            indexes: ["is_active, timezone", "phone_number"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        if event.type == ClientUpdated.eventType { return try update(event, w) }
        if event.type == ClientErased.eventType { return try erase(event, w) }
        if event.type == TravelPlanned.eventType {
            // A stay in another zone: the scheduler works out each day's zone from the list.
            guard event.json.string("timezone") != nil else { return }
            return try w.run("""
                UPDATE {clients} SET stays = json_insert(stays, '$[#]', json_object('from', ?, 'until', ?, 'zone', ?)), updated_position = ?
                WHERE client_id = ?
                """) { b in
                b.text(event.json, "from"); b.text(event.json, "until"); b.text(event.json, "timezone"); b.value(event.position); b.text(event.json, "clientId")
            }
        }
        if event.type == ClientOptedOut.eventType || event.type == ClientOptedIn.eventType {
            // Who opted the client out (`client`, `provider`, `operator`); null once back in.
            let out = event.type == ClientOptedOut.eventType
            return try w.run("UPDATE {clients} SET opted_in = ?, opted_out_by = ?, updated_position = ? WHERE client_id = ?") { b in
                b.value(out ? 0 : 1); if out { b.text(event.json, "source") } else { b.null() }
                b.value(event.position); b.text(event.json, "clientId")
            }
        }
        let c = event.json
        let p = c.object("profile")
        try w.execute("""
            INSERT INTO {clients} (client_id, name, phone_number, email, timezone, preferred_send_hour, units, opted_in,
                is_active, fitness_goals, primary_goal, skill_level, days_per_week, training_days, session_minutes,
                location, equipment, injuries, age, gender, schema_version, enrolled_position, updated_position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (client_id) DO UPDATE SET
                name = excluded.name, phone_number = excluded.phone_number, email = excluded.email,
                timezone = excluded.timezone, preferred_send_hour = excluded.preferred_send_hour, units = excluded.units,
                opted_in = excluded.opted_in, is_active = excluded.is_active, fitness_goals = excluded.fitness_goals,
                primary_goal = excluded.primary_goal, skill_level = excluded.skill_level,
                days_per_week = excluded.days_per_week, training_days = excluded.training_days,
                session_minutes = excluded.session_minutes, location = excluded.location, equipment = excluded.equipment,
                injuries = excluded.injuries, age = excluded.age, gender = excluded.gender,
                schema_version = excluded.schema_version, updated_position = excluded.updated_position
            """, [
                c.string("clientId"), c.string("name"), c.string("phoneNumber"), c.string("email"), c.string("timezone"),
                c.int("preferredSendHour"), c.string("units"), c.bool("optedIn"), c.bool("isActive"),
                p?.string("fitnessGoals"), p?.string("primaryGoal"), p?.string("skillLevel"), p?.int("daysPerWeek"),
                p?.json("trainingDays"), p?.int("sessionMinutes"), p?.string("location"), p?.json("equipment"),
                p?.json("injuries"), p?.int("age"), p?.string("gender"), event.schemaVersion, event.position, event.position,
            ])
    }

    /// The personal columns as a replay reads them once the key is gone (a string `[erased]`,
    /// a list `[]`, a number null), so the live row and a rebuilt one stay equal.
    func erase(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        try w.run("""
            UPDATE {clients} SET
                name = '[erased]', phone_number = '[erased]', email = CASE WHEN email IS NULL THEN NULL ELSE '[erased]' END,
                fitness_goals = '[erased]', injuries = '[]', age = NULL, gender = CASE WHEN gender IS NULL THEN NULL ELSE '[erased]' END,
                opted_in = 0, is_active = 0, erased_position = ?, updated_position = ?
            WHERE client_id = ?
            """) { b in
            b.value(event.position); b.value(event.position); b.text(event.json, "clientId")
        }
    }

    /// Absent fields keep their value; a present profile replaces every profile column.
    func update(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let c = event.json
        let p = c.object("profile")
        try w.run("""
            UPDATE {clients} SET
                name = coalesce(?, name), phone_number = coalesce(?, phone_number), email = coalesce(?, email),
                timezone = coalesce(?, timezone), preferred_send_hour = coalesce(?, preferred_send_hour),
                units = coalesce(?, units), opted_in = coalesce(?, opted_in), is_active = coalesce(?, is_active),
                opted_out_by = CASE ? WHEN 1 THEN NULL WHEN 0 THEN coalesce(opted_out_by, 'operator') ELSE opted_out_by END,
                fitness_goals = coalesce(?, fitness_goals), primary_goal = coalesce(?, primary_goal),
                skill_level = coalesce(?, skill_level), days_per_week = coalesce(?, days_per_week),
                training_days = coalesce(?, training_days), session_minutes = coalesce(?, session_minutes),
                location = coalesce(?, location), equipment = coalesce(?, equipment), injuries = coalesce(?, injuries),
                age = CASE WHEN ? THEN ? ELSE age END, gender = CASE WHEN ? THEN ? ELSE gender END,
                updated_position = ?
            WHERE client_id = ?
            """) { b in
            b.text(c, "name"); b.text(c, "phoneNumber"); b.text(c, "email"); b.text(c, "timezone"); b.int(c, "preferredSendHour")
            b.text(c, "units"); b.bool(c, "optedIn"); b.bool(c, "isActive"); b.bool(c, "optedIn")
            b.text(p, "fitnessGoals"); b.text(p, "primaryGoal"); b.text(p, "skillLevel"); b.int(p, "daysPerWeek")
            b.json(p, "trainingDays"); b.int(p, "sessionMinutes"); b.text(p, "location"); b.json(p, "equipment"); b.json(p, "injuries")
            b.value(p == nil ? 0 : 1); b.int(p, "age"); b.value(p == nil ? 0 : 1); b.text(p, "gender")
            b.value(event.position); b.text(c, "clientId")
        }
    }
}
