// A scripted integration typed by openapi-typescript from the API document.
//
// tests/api/test_clients.py generates ./goalkeeper-api.d.ts from the live document and
// compiles this file with `tsc --strict --noEmit`: requests are built from the document's
// request types (fields with defaults may be left out), answers read through its response
// types, and an objective's state is the type the list's filter takes.

import type { components, operations, webhooks } from "./goalkeeper-api";

type Schemas = components["schemas"];
type ObjectiveState = Schemas["ObjectiveState"];
type Query<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;
type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : never;
type Answer<Op extends keyof operations, Code extends keyof operations[Op]["responses"]> = Json<
  operations[Op]["responses"][Code]
>;

export class Goalkeeper {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const error = (await response.json()) as Schemas["ErrorOut"];
      throw new Error(`${method} ${path}: ${response.status} ${error.detail}`);
    }
    return (await response.json()) as T;
  }

  objectives(query: Query<"list_objectives">): Promise<Answer<"list_objectives", 200>> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      // A filter of several values is one comma-separated parameter: state=active,draft.
      if (value !== undefined && value !== null) params.set(name, String(value));
    }
    return this.send("GET", `/api/v1/objectives?${params}`);
  }

  checkIn(keyResult: number, body: Schemas["CheckInIn"]): Promise<Schemas["CheckInOut"]> {
    return this.send("POST", `/api/v1/key-results/${keyResult}/check-ins`, body);
  }

  addKeyResult(body: Schemas["KeyResultIn"]): Promise<Answer<"create_key_result", 201>> {
    return this.send("POST", "/api/v1/key-results", body);
  }

  measurements(kpi: number): Promise<Answer<"list_measurements", 200>> {
    return this.send("GET", `/api/v1/kpis/${kpi}/measurements`);
  }
}

// A webhook receiver reads the same resources as the API answers.
type ObjectiveClosed = NonNullable<
  webhooks["objective.closed"]["post"]["requestBody"]
>["content"]["application/json"];

export function finalScore(event: ObjectiveClosed): number | null {
  const objective: Schemas["ObjectiveOut"] = event.data.objective;
  return objective.final_score;
}

export async function integrate(api: Goalkeeper): Promise<Schemas["CheckInOut"]> {
  // The filter takes the type an objective's state has.
  const page = await api.objectives({ state: ["active"], limit: 10 });
  const first: Schemas["ObjectiveOut"] | undefined = page.items.find(
    (objective) => objective.key_results.length > 0,
  );
  if (first === undefined) throw new Error("no active objective with key results");
  const state: ObjectiveState = first.state;
  console.log(`${first.title} is ${state}`);

  // Fields with defaults (unit, weight, kpi_mode) may be left out of a request.
  await api.addKeyResult({ objective: first.id, title: "Referrals", kind: "increase", target: 10 });
  const written = await api.checkIn(first.key_results[0], { value: 42, note: "From the integration" });

  const list = await api.measurements(1);
  const values: (number | null)[] = list.items.map((point) => point.value);
  console.log(`${values.length} of ${list.count} measurements`);
  return written;
}
